"""The store: datasets as Parquet tables with manifests under a data directory or a URI (store), the write
lock and recovery of an interrupted write (store_guard), and the count tables built from the long tables
when a dataset is written (count_tables: DuckDB SQL, also runnable on Spark). Imports model and stats.
"""
