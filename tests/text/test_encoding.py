import codecs

import pytest

from pipeline.text.encoding import DecodeError, decode, is_binary_text
from tests.conftest import TEXTS


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
])
def test_unicode_encodings_round_trip(lang, encoding, expected):
    text, found = decode(TEXTS[lang].encode(encoding))
    assert text.lstrip("\ufeff") == TEXTS[lang]
    assert found == expected


def test_windows_1256_farsi_is_decoded():
    # Windows-1256 has ZWNJ but neither Persian ی nor Persian digits: legacy files use ي and 1
    raw = TEXTS["fa"].replace("ی", "ي").replace("۱", "1")
    text, found = decode(raw.encode("cp1256"))
    assert (text, found) == (raw, "cp1256")


def test_latin1_text_is_reported_not_guessed():
    with pytest.raises(DecodeError, match="UTF-8"):
        decode("Müller sagt: Grüße, café".encode("latin-1"))


def test_binary_is_reported():
    with pytest.raises(DecodeError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    assert is_binary_text("\x01\x02\x03abc\x04\x05")
    assert not is_binary_text("P1: hello\n")


def test_bad_bom_is_reported():
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode(codecs.BOM_UTF8 + b"\xff\xfe\xfa")
