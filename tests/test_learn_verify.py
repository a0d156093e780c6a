"""Verification reads a learned document without a YAML round trip where the round trip is the identity
(`reads_back_alike`); it must then be exactly what the dumped file reads back as."""
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.learn.induce import _dump
from cleaner.learn.verify import _Loader, reads_back_alike

scalars = st.one_of(st.text(max_size=40), st.text(alphabet="ab \n\t\r\x85\u2028\ufeff:#-|'\"", max_size=20),
                    st.integers(), st.booleans(), st.none(), st.floats())
docs = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), docs, max_size=5))
def test_a_document_said_to_read_back_alike_does(doc):
    if reads_back_alike(doc):
        assert yaml.load(_dump(doc), Loader=_Loader) == doc


def test_what_may_not_read_back_alike_is_read_back():
    assert not reads_back_alike({"a": "line\x85next\n"}) and not reads_back_alike({"a": float("nan")})
    assert yaml.load(_dump({"a": "line\x85next\n"}), Loader=_Loader) != {"a": "line\x85next\n"}
    assert reads_back_alike({"a": ["Menu | Home", "x\ny\n", 3, None, True]})


_TEXT_CHARS = st.one_of(st.sampled_from(list("ab Z09.,:;#-|'\"!?&*%@`{}[]>\n\\/~=")
                                       + ["é", "\u00a0", "\u2028", "中", "- ", ": ", " #", "\n\n", "yes", "0x1"]),
                        st.characters(min_codepoint=0x20, max_codepoint=0xffee))
_TEXTS = st.lists(_TEXT_CHARS, min_size=1, max_size=200).map("".join)
_DOCS = st.recursive(st.one_of(_TEXTS, st.integers(), st.booleans(), st.none(), st.floats()),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXTS, inner, max_size=4),
                     max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_TEXTS, _DOCS, max_size=5))
def test_a_learned_file_is_written_with_the_same_bytes_whichever_emitter_writes_it(doc):
    """`_dump` uses libyaml's emitter where it writes the bytes PyYAML's does (PyYAML's defines them)."""
    from cleaner.learn.induce import _Dumper

    assert _dump(doc) == yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
