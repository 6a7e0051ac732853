"""coopbot's benchmarks: how fast the matcher is, how it scales, and how it compares with baselines.

Speed claims need figures that anyone can reproduce with one command, so everything is measured in
one run on the same labelled questions (`tests/data/labelled`) and the same normalised text as the
matcher (`Matcher.canonical`, then `spaced` or `tokens`). One module a part, as `--skip` names them:

- `quality`: quality and latency of the matcher against two baselines people would otherwise reach
  for (`baselines`): the standard library's `difflib` closest phrasing, and BM25 (`rank-bm25`);
- `scale`: synthetic knowledge bases derived from the real one (`synthetic`), each measured in a
  fresh process so that peak memory and build time belong to that size alone;
- `e2e`: end to end, the real Telegram Application against the test fake Bot API server on loopback;
- `cold`: cold start, process start to the first answer, and resident memory after loading.

`measure` holds what they all measure with, `report` the table, targets and plot, and `__main__`
the command line. This package lives outside `bot/` and the wheel: run it from a checkout with
`python -m benchmarks`. It may import `bot` and `tests.support`; neither imports it.
"""

# The benchmarks' own extras (BM25 and --plot), for the messages that say one is missing.
INSTALL_EXTRAS = "pip install -r benchmarks/requirements.txt"
