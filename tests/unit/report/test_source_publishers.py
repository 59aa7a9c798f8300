"""Chart source lines and cross-check texts credit the original publisher, never a bare mirror host (M18).

A host may appear only as the access route ("经 host" / "via host") after the publisher's name.
"""

from __future__ import annotations

import re

import pytest

from kczlib.analysis.crosschecks import run_crosschecks
from kczlib.analysis.num import context_num
from kczlib.data.context import context_value, load_context
from kczlib.report.charts import source_line

ROUTE = {"zh": "经{host}", "en": "via {host}"}


def _hosts() -> set[str]:
    return {context_value(i, "chengdu").access_host for i in load_context("chengdu").index} - {""}


def _bare(text: str, lang: str, hosts: set[str]) -> list[str]:
    """Hosts (`_hosts()`, read once per test) named in `text` other than as an access route."""
    found = []
    for host in hosts:
        rest = text.replace(ROUTE[lang].format(host=host), "")
        if re.search(re.escape(host), rest):
            found.append(host)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_context_row_is_cited_by_its_publisher_with_the_host_as_access_route(lang):
    hosts = _hosts()
    for rid in load_context("chengdu").index:
        c = context_value(rid, "chengdu")
        line = source_line([context_num(rid, "chengdu")], lang, "chengdu")
        # the publisher in the page's language (an English page: context.csv `publisher_en`)
        assert (c.publisher if lang == "zh" else c.publisher_en) in line, (rid, line)
        if lang == "en":
            assert not re.search(r"[\u4e00-\u9fff]", line.split("via ")[0]), (rid, line)
        assert not _bare(line, lang, hosts), (rid, line)
        if c.access_host:
            assert ROUTE[lang].format(host=c.access_host) in line, (rid, line)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cross_check_texts_name_publishers_and_no_bare_host(lang):
    hosts = _hosts()
    for check in run_crosschecks("chengdu"):
        text = check.explanation(lang)
        assert not _bare(text, lang, hosts), text
        if check.context_side is not None:
            for rid in check.context_side.context_ids:
                c = context_value(rid, "chengdu")
                assert c.publisher_in(lang) in text or check.outcome == "cannot_tell", (rid, text)
