"""The floor for the cold-start benchmark: the least a Streamlit page with a sidebar filter and one small
Plotly chart takes to draw in a browser on this machine. Not part of the app.

    streamlit run bench/floor_app.py
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
with st.sidebar:
    st.multiselect("Organisation type", ["Acute hospital trust", "Hospice"], placeholder="All")
st.title("One chart")
st.plotly_chart(go.Figure(go.Bar(x=[62, 48, 31], y=["Care environment", "Service plans", "Funding"],
                                 orientation="h")), theme=None)
