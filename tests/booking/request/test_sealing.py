from booking.request import sealing


def test_a_state_comes_back_as_it_was_and_one_state_gives_one_address():
    state = {"patient": "new", "service": 3, "start": "2026-12-07T15:00:00+00:00"}
    token = sealing.seal(state)
    assert sealing.unseal(token) == state
    assert sealing.seal(dict(reversed(state.items()))) == token
    assert "2026" not in token
    assert "new" not in token


def test_anything_not_sealed_by_this_installation_reads_as_nothing(settings):
    token = sealing.seal({"service": 3})
    flipped = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    for junk in ["", "x", "%%%", flipped, token[:-3], "A" * 5000]:
        assert sealing.unseal(junk) == {}
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert sealing.unseal(token) == {}


def test_a_sealed_value_that_is_not_a_dict_reads_as_nothing():
    assert sealing.unseal(sealing.seal([1, 2])) == {}
