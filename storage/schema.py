"""Ordered schema migrations; `PRAGMA user_version` is the number applied so far.

Times are stored as UTC epoch seconds (REAL). Never edit a released migration: append one.
"""

from __future__ import annotations

V1_SUBSCRIBERS = """
CREATE TABLE subscribers (
    chat_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    username TEXT,
    telegram_language TEXT,
    language TEXT CHECK (language IN ('ru', 'en')),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'unsubscribed', 'blocked', 'gone')),
    instant INTEGER NOT NULL DEFAULT 1 CHECK (instant IN (0, 1)),
    digest TEXT NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'daily', 'weekly')),
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    digest_hour INTEGER NOT NULL DEFAULT 9 CHECK (digest_hour BETWEEN 0 AND 23),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    CHECK (instant = 1 OR digest != 'off')
);
CREATE INDEX subscribers_status ON subscribers (status);
"""

V2_RELEASES_VOTES_DELIVERIES = """
CREATE TABLE releases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    summary_edited INTEGER NOT NULL DEFAULT 0 CHECK (summary_edited IN (0, 1)),
    link TEXT,
    photo_file_id TEXT,
    language TEXT NOT NULL DEFAULT 'ru',
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'retracted')),
    author_id INTEGER NOT NULL,
    created_at REAL NOT NULL,
    scheduled_at REAL,
    published_at REAL,
    retracted_at REAL,
    revision INTEGER NOT NULL DEFAULT 1,
    vote_count INTEGER NOT NULL DEFAULT 0,
    vote_sum INTEGER NOT NULL DEFAULT 0,
    report_chat_id INTEGER,
    report_message_id INTEGER
);
CREATE INDEX releases_status ON releases (status, scheduled_at);
CREATE INDEX releases_published ON releases (published_at);

CREATE TABLE votes (
    release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (release_id, user_id)
) WITHOUT ROWID;

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    release_id INTEGER REFERENCES releases (id),
    chat_id INTEGER NOT NULL REFERENCES subscribers (chat_id),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'gone',
                          'deleted', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    message_id INTEGER,
    extra_message_id INTEGER,
    revision INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at REAL NOT NULL,
    sent_at REAL,
    UNIQUE (release_id, chat_id)
);
CREATE INDEX deliveries_queue ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_chat ON deliveries (chat_id);
"""

V3_DIGESTS = """
ALTER TABLE subscribers ADD COLUMN digest_weekday INTEGER NOT NULL DEFAULT 0
    CHECK (digest_weekday BETWEEN 0 AND 6);
ALTER TABLE subscribers ADD COLUMN timezone TEXT;
ALTER TABLE subscribers ADD COLUMN digest_since REAL;
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL REFERENCES subscribers (chat_id),
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    window_start REAL NOT NULL,
    window_end REAL NOT NULL,
    release_ids TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (chat_id, window_end)
);
ALTER TABLE deliveries ADD COLUMN digest_id INTEGER REFERENCES digests (id);
CREATE UNIQUE INDEX deliveries_digest ON deliveries (digest_id) WHERE digest_id IS NOT NULL;
"""

V4_DIALOGS = """
CREATE TABLE dialogs (
    key TEXT PRIMARY KEY,
    state TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    updated_at REAL NOT NULL
);
"""

V5_SOURCES = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    site_url TEXT,
    title TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'review' CHECK (mode IN ('review', 'auto')),
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    failing_since REAL,
    last_error TEXT,
    last_checked_at REAL,
    last_new_item_at REAL,
    next_check_at REAL NOT NULL,
    items_taken INTEGER NOT NULL DEFAULT 0,
    added_by INTEGER,
    created_at REAL NOT NULL
);
CREATE INDEX sources_due ON sources (paused, next_check_at);
CREATE TABLE source_items (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    seen_at REAL NOT NULL,
    release_id INTEGER REFERENCES releases (id) ON DELETE SET NULL,
    PRIMARY KEY (source_id, key)
) WITHOUT ROWID;
CREATE INDEX source_items_release ON source_items (release_id);
ALTER TABLE releases ADD COLUMN source_id INTEGER REFERENCES sources (id) ON DELETE SET NULL;
ALTER TABLE releases ADD COLUMN item_key TEXT;
ALTER TABLE releases ADD COLUMN canonical_link TEXT;
CREATE UNIQUE INDEX releases_source_item ON releases (source_id, item_key)
    WHERE source_id IS NOT NULL;
CREATE INDEX releases_canonical_link ON releases (canonical_link)
    WHERE canonical_link IS NOT NULL;
"""

V6_SOURCE_DRAFTS = """
ALTER TABLE releases ADD COLUMN pending_action TEXT
    CHECK (pending_action IN ('preview', 'publish'));
CREATE INDEX releases_pending ON releases (pending_action) WHERE pending_action IS NOT NULL;
CREATE TABLE release_previews (
    release_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    PRIMARY KEY (release_id, chat_id)
) WITHOUT ROWID;
"""

# Channels and groups are destinations kept beside readers, so publishing, pacing, edits and
# retractions reach them through the same outbox. Their chat ids are negative, a reader's never.
# For them `status` reads: active = on, unsubscribed = off, blocked = removed or without rights
# (`problem` says which), gone = moved to a supergroup. `tally` is the "count:sum" of votes a
# copy's live counter last showed, so counters left behind by a restart are brought up to date.
V7_CHATS = """
ALTER TABLE subscribers ADD COLUMN kind TEXT NOT NULL DEFAULT 'private'
    CHECK (kind IN ('private', 'group', 'supergroup', 'channel'));
ALTER TABLE subscribers ADD COLUMN title TEXT;
ALTER TABLE subscribers ADD COLUMN thread_id INTEGER;
ALTER TABLE subscribers ADD COLUMN member_count INTEGER;
ALTER TABLE subscribers ADD COLUMN added_by INTEGER;
ALTER TABLE subscribers ADD COLUMN problem TEXT
    CHECK (problem IN ('removed', 'no_rights', 'migrated'));
CREATE INDEX subscribers_chats ON subscribers (kind) WHERE kind != 'private';
ALTER TABLE deliveries ADD COLUMN tally TEXT;
"""

MIGRATIONS: tuple[str, ...] = (
    V1_SUBSCRIBERS,
    V2_RELEASES_VOTES_DELIVERIES,
    V3_DIGESTS,
    V4_DIALOGS,
    V5_SOURCES,
    V6_SOURCE_DRAFTS,
    V7_CHATS,
)
