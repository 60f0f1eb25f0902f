"""Sources: feeds and news pages the bot reads on its own (issue 13).

- `fetch`: the one safe HTTP fetcher (public addresses only, size and time caps, redirects).
- `encoding`: which encoding a feed or page is in.
- `feeds`: RSS, Atom and JSON Feed parsing, item keys, teaser detection.
- `pages`: feed discovery in HTML, article extraction for `/post <link>` and teasers.
- `policy`: pure decisions: next poll time, back-off, failure notices, a source's state.
- `poller`: polls a source, hands over new items and notices, adds sources, reads articles.
- `jobs`: one APScheduler job per source, and the staff operations that change them.

Nothing here imports aiogram; handlers call `SourceJobs`, `Poller.fetch_article` and
`storage.sources`, and answer.
"""
