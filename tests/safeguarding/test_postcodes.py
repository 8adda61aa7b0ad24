import pytest

from safeguarding.postcodes import is_valid_postcode, normalise_postcode


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" ls1  4ap", "LS1 4AP"),
        ("LS14AP", "LS1 4AP"),
        ("ec1a1bb", "EC1A 1BB"),
        ("\tM1 1AA\n", "M1 1AA"),
        ("sw1a\u00a02aa", "SW1A 2AA"),  # a no-break space pasted from a web page
        ("gir0aa", "GIR 0AA"),
        ("", ""),
        ("ab", "AB"),
    ],
)
def test_normalise_postcode(raw, normalised):
    assert normalise_postcode(raw) == normalised


@pytest.mark.parametrize(
    "postcode",
    [
        "M1 1AA",  # A9
        "B33 8TH",  # A99
        "W1A 0AX",  # A9A
        "LS1 4AP",  # AA9
        "DN55 1PT",  # AA99
        "EC1A 1BB",  # AA9A
        "GIR 0AA",
        " cr2  6xh ",
        "ls14ap",
    ],
)
def test_valid_postcodes(postcode):
    assert is_valid_postcode(postcode)


@pytest.mark.parametrize(
    "postcode",
    [
        "",
        "LS1",  # outward code only
        "LS1 4A",
        "LS1 4APX",
        "1LS 4AP",  # starts with a digit
        "LSS1 4AP",  # three letters
        "LS123 4AP",  # three digits
        "LS1 AAP",  # inward code starts with a letter
        "LS1 44P",
        "L 4AP",
        "EC1AA 1BB",
        "LS1-4AP",
        "GIR 0AB",
        "ＬＳ1 4AP",  # full-width letters
    ],
)
def test_invalid_postcodes(postcode):
    assert not is_valid_postcode(postcode)
