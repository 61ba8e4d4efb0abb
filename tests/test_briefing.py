"""Briefing packs: PPTX and PDF read back, and the `briefing` command's inputs."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from analysis import briefing, export, links
from analysis.cli import main
from analysis.filters import Filters
from analysis.queries import Cube

VIEW = Filters(sector=("nhs",))


@pytest.fixture(scope="session")
def renderer():
    """kaleido's one Chromium, started once for the whole test session."""
    if export.renderer_problem():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium for briefing packs: {export.renderer_problem()}")
        pytest.skip("Chromium is not installed (/usr/bin/chromium): briefing packs cannot be tested here")
    export.start_renderer()
    yield
    export.stop_renderer()


@pytest.fixture(scope="module")
def pack(renderer, demo_cube: Cube) -> briefing.Pack:
    """The pack's content for one view, drawn once for the module."""
    return briefing.assemble(demo_cube, VIEW)


def test_pack_has_each_chart_once(demo_cube: Cube) -> None:
    ids = [p.chart_id for p in briefing.pack_panels(demo_cube, VIEW)]
    assert len(ids) == len(set(ids)) == 12  # with the wave comparisons and importance against influence
    assert ids[0] == "domains_positive"


def test_pptx_reads_back(pack: briefing.Pack, demo_cube: Cube) -> None:
    deck = Presentation(io.BytesIO(briefing.to_pptx(pack)))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(pack.slides) + 1
    title_text = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    for part in ("Illustrative data", "Sector: NHS", demo_cube.manifest["dataset_hash"], pack.created):
        assert part in title_text
    for slide, item in zip(slides[1:-1], pack.slides, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == item.panel.summary
        notes = slide.notes_slide.notes_text_frame.text
        assert item.panel.summary in notes and "The numbers:" in notes
        assert item.panel.table.columns[0] in notes
    closing = " ".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    for part in ("Method", "Disclosure control", "Sources", "Wilson", links.dataset_token(demo_cube.manifest)):
        assert part in closing


def test_pdf_reads_back(pack: briefing.Pack) -> None:
    reader = PdfReader(io.BytesIO(briefing.to_pdf(pack)))
    assert len(reader.pages) == 1 + len(pack.slides) + 1
    first = reader.pages[0].extract_text()
    assert briefing.TITLE in first and "Illustrative" in first and "Sector: NHS" in first
    assert pack.slides[0].panel.title.split(":")[0] in reader.pages[1].extract_text()
    assert "Disclosure control" in reader.pages[-1].extract_text()


def test_speaker_notes_say_hidden_for_suppressed_cells() -> None:
    import pandas as pd

    text = briefing.table_text(pd.DataFrame({"Group": ["a", "b"], "% positive": [None, 40.0]}))
    assert "hidden" in text and "40.0" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--filter", "colour=red"], "Unknown filter key 'colour'"),
    (["--filter", "sector=mars"], "Unknown filter value sector=mars"),
    (["--filter", "sector"], "needs the form key=value"),
])
def test_briefing_command_rejects_bad_filters(args: list[str], message: str, demo_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["briefing", "--out", str(tmp_path / "p.pptx"), "--data-dir", str(demo_dir), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.pptx").exists()


def test_briefing_command_needs_a_known_format(demo_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["briefing", "--out", str(tmp_path / "p.doc"), "--data-dir", str(demo_dir)]) == 2
    assert "--format pptx" in capsys.readouterr().err


def test_briefing_command_without_chromium(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    assert main(["briefing", "--out", str(tmp_path / "p.pdf"), "--data-dir", str(demo_dir)]) == 2
    assert "Chromium was not found" in capsys.readouterr().err


def test_briefing_command_writes_pdf_from_extension(renderer, demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["briefing", "--out", str(out), "--data-dir", str(demo_dir), "--filter", "sector=nhs",
                 "--filter", "wave=2008"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_a_pack_names_its_dataset(renderer, demo_dir: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "named.pptx"
    assert main(["briefing", "--out", str(out), "--data-dir", str(demo_dir), "--dataset", "demo"]) == 0
    words = " ".join(shape.text_frame.text for slide in Presentation(str(out)).slides for shape in slide.shapes
                     if shape.has_text_frame)
    assert "'Study demo (illustrative)' (demo, version" in words


def test_a_pack_of_an_unknown_dataset_is_refused_plainly(demo_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["briefing", "--out", str(tmp_path / "p.pptx"), "--data-dir", str(demo_dir), "--dataset",
                 "nope"]) == 2
    assert "There is no dataset named 'nope'" in capsys.readouterr().err
