"""Hostile and unusual files: each is read, or refused with a DocumentError that names the file,
the line where one applies and what to do; the command line exits 2 without a traceback."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegraph import DocumentError, extract_document
from codegraph.read import MAX_DOCUMENT_BYTES, read_document
from codegraph.read.document import MAX_BYTES_VARIABLE

CORPUS = Path(__file__).parent / "corpus" / "documents"
PAGE = CORPUS / "cpt-0732T-service-and-site-as-two-sentences.txt"
TEXT = PAGE.read_text(encoding="utf-8")


def _facts(path: Path) -> dict:
    data = extract_document(path).to_json()
    data.pop("source")
    return data


@pytest.fixture(scope="module")
def utf8_facts(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("utf8") / "page.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return _facts(path)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
        ("utf-8", codecs.BOM_UTF8),
    ],
)
def test_a_byte_order_mark_names_the_encoding(tmp_path, utf8_facts, encoding, bom):
    path = tmp_path / "page.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    assert _facts(path) == utf8_facts


@pytest.mark.parametrize(
    ("line_end", "name"),
    [("\r\n", "CRLF"), ("\r", "CR"), ("\u2028", "LINE SEPARATOR"), ("\u2029", "PARAGRAPH SEPARATOR"), ("\x85", "NEL")],
)
def test_every_line_ending_reads_the_same_facts(tmp_path, utf8_facts, line_end, name):
    path = tmp_path / "page.txt"
    path.write_bytes(TEXT.replace("\n", line_end).encode("utf-8"))
    facts = _facts(path)
    assert facts["code"] == utf8_facts["code"], name
    assert facts["service_type"] == "intraoperative neurophysiology support"
    assert facts["site_of_service"] == utf8_facts["site_of_service"]
    assert facts["cut_off"] is None


def _refused(path: Path, *fragments: str, line: int | None = None, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path, **kwargs)
    error = caught.value
    assert error.path == str(path)
    assert str(path) in str(error)
    assert error.line == line
    for fragment in fragments:
        assert fragment in str(error)
    assert error.hint, "every refusal says what to do"
    return error


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_named_not_called_binary(tmp_path, encoding):
    path = tmp_path / "page.txt"
    path.write_bytes(TEXT.encode(encoding))
    error = _refused(path, f"looks like {encoding.upper().replace('-LE', 'LE').replace('-BE', 'BE')} text without a byte-order mark")
    assert "binary" not in str(error)
    assert "iconv" in error.hint


def test_bom_with_broken_body_names_the_line(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Summary & Overview\nCPT 1001T: x\n".encode("utf-16-le") + b"\x00\xdc")
    _refused(path, "UTF-16 byte-order mark", "not valid UTF-16", line=3)


def test_too_large_names_the_limit_and_how_to_raise_it(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode("utf-8") + b"x" * 5000)
    error = _refused(path, "too large", "limit is 4096 bytes", max_bytes=4096)
    assert MAX_BYTES_VARIABLE in error.hint
    assert read_document(path, max_bytes=10_000).lines  # raising the limit reads it


def test_default_limit_and_the_environment_variable(tmp_path, monkeypatch):
    assert MAX_DOCUMENT_BYTES == 2 * 1024 * 1024
    path = tmp_path / "page.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    monkeypatch.setenv(MAX_BYTES_VARIABLE, "100")
    _refused(path, "too large", "limit is 100 bytes")
    monkeypatch.setenv(MAX_BYTES_VARIABLE, "lots")
    _refused(path, MAX_BYTES_VARIABLE, "not a positive whole number")
    monkeypatch.delenv(MAX_BYTES_VARIABLE)
    assert read_document(path).lines


def test_a_file_that_grows_past_its_stat_size_is_read_only_to_the_limit(tmp_path, monkeypatch):
    """The limit is enforced on the bytes read (at most limit + 1), not only on st_size."""
    path = tmp_path / "page.txt"
    path.write_bytes(b"y" * 300)
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        return os.stat_result((result.st_mode, *result[1:6], 10, *result[7:]))

    monkeypatch.setattr(Path, "stat", small_stat)
    _refused(path, "too large", "more than 200 bytes", max_bytes=200)


def test_a_file_that_grows_past_its_stat_size_within_the_limit_is_read_whole(tmp_path, monkeypatch):
    """The page is read in the size stat gives, then the rest: what it grew by is not lost."""
    path = tmp_path / "page.txt"
    text = "CPT 1001T - Example\n\nSummary & Overview\n" + "The procedure is described here. " * 10 + "\n"
    path.write_text(text, encoding="utf-8")
    real_stat = Path.stat

    def small_stat(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        return os.stat_result((result.st_mode, *result[1:6], 10, *result[7:]))

    monkeypatch.setattr(Path, "stat", small_stat)
    assert read_document(path, max_bytes=len(text) + 50).text == text


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_symlink_to_dev_zero_is_refused_without_reading(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    _refused(link, "character device", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _refused(fifo, "named pipe")


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "x.txt"
    folder.mkdir()
    _refused(folder, "a folder")


def test_dangling_and_looping_symlinks_are_named(tmp_path):
    dangling = tmp_path / "gone.txt"
    dangling.symlink_to(tmp_path / "missing.txt")
    _refused(dangling, "symbolic link to", "does not exist")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop.txt")
    _refused(loop, "symbolic links form a loop")


def test_command_line_exits_2_with_a_message_and_no_traceback(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(TEXT.encode("utf-16-le"))
    for path in (link, utf16):
        result = subprocess.run(
            [sys.executable, "-c", "from codegraph.cli import main; main()", "extract", str(path)],
            capture_output=True, text=True, timeout=60, check=False,
        )
        assert result.returncode == 2, result.stderr
        assert str(path) in result.stderr
        assert "Traceback" not in result.stderr
