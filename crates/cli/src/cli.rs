//! The command line: every command of SPEC.md's interface contract that exists so far.

use clap::{Args as ClapArgs, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tidings",
    version,
    about = "A self-hosted news aggregator: feeds in, the week's top stories out."
)]
pub struct Args {
    /// Database: sqlite://PATH, a file path, or postgres://… [default: sqlite://tidings.db]
    #[arg(long, global = true, env = "TIDINGS_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file [default: ./tidings.toml when it exists]
    #[arg(long, global = true, env = "TIDINGS_CONFIG")]
    pub config: Option<PathBuf>,
    /// More log output (-v, -vv); TIDINGS_LOG takes a tracing filter.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web site and its API.
    Serve(ServeArgs),
    /// Import local files or folders: plain-text article pages, HTML article pages.
    Import(ImportArgs),
    /// Extract articles from pages without storing them; one Article JSON line per file.
    Extract(ExtractArgs),
    /// The ranked top stories of a week.
    Top(TopArgs),
    /// Full-text search over articles: words, "phrases", prefix*.
    Search(SearchArgs),
    /// Render a week's digest: top stories, most quoted, rising entities, a chart.
    Digest(DigestArgs),
    /// Follow, list and stop following feeds.
    #[command(subcommand)]
    Source(SourceCommand),
    /// OPML 2.0 subscription lists in and out.
    #[command(subcommand)]
    Opml(OpmlCommand),
    /// Fetch due feeds: one cycle with --once, else until interrupted.
    Fetch(FetchArgs),
    /// Benchmarks on this machine.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Quality evaluations on the shared data sets.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// List outlets or change an outlet's republication policy.
    #[command(subcommand)]
    Outlet(OutletCommand),
    /// People, organisations and places: list, merge, rename.
    #[command(subcommand)]
    Entity(EntityCommand),
    /// Accounts: add (the first admin too), list, change a role.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for /api/v1/admin: add (printed once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent snapshot of the whole database (gzip'd JSON lines) while it runs.
    Backup(BackupArgs),
    /// Load a backup (from SQLite or PostgreSQL) into an empty database.
    Restore(RestoreArgs),
    /// Copy this database into another, empty one (e.g. SQLite to PostgreSQL).
    MigrateDb(MigrateDbArgs),
    /// Check the database's integrity and invariants; exit 65 when one fails.
    Check(CheckArgs),
}

#[derive(Debug, ClapArgs)]
pub struct BackupArgs {
    /// The backup file to write ("-" for stdout).
    pub file: PathBuf,
}

#[derive(Debug, ClapArgs)]
pub struct RestoreArgs {
    /// The backup file to load ("-" for stdin).
    pub file: PathBuf,
}

#[derive(Debug, ClapArgs)]
pub struct MigrateDbArgs {
    /// The target database: sqlite://PATH, a file path, or postgres://… (must be empty).
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long)]
    pub addr: Option<String>,
    /// Load the bundled demo corpus first when the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// What this node does: `web` serves the site, `worker` fetches feeds (and answers only
    /// /healthz and /metrics), `all` both. Several nodes may share one PostgreSQL database.
    #[arg(long, value_enum, default_value_t = Role::All)]
    pub role: Role,
    /// Do not fetch feeds in the background: the same as `--role web`.
    #[arg(long, conflicts_with = "role")]
    pub no_fetch: bool,
}

/// Which clustering `tidings eval clustering` streams through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pipeline {
    Store,
    Memory,
}

/// The part a `tidings serve` node plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Web,
    Worker,
    All,
}

impl ServeArgs {
    /// The role asked for, `--no-fetch` read as `--role web`.
    pub fn effective_role(&self) -> Role {
        if self.no_fetch { Role::Web } else { self.role }
    }
}

#[derive(Debug, ClapArgs)]
pub struct ImportArgs {
    /// Files or folders (folders are walked recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print each stored article as a JSON line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, ClapArgs)]
pub struct ExtractArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The URL the page came from (resolves relative links, names the outlet).
    #[arg(long)]
    pub url: Option<String>,
    /// Print Article JSON lines (the only output form so far; accepted for the contract).
    #[arg(long)]
    pub json: bool,
    /// Extract on this many threads; lines still come out in the order the files were given.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,
}

#[derive(Debug, ClapArgs)]
pub struct TopArgs {
    /// ISO week, e.g. 2025-W12 [default: the current week]
    #[arg(long)]
    pub week: Option<String>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, ClapArgs)]
pub struct SearchArgs {
    pub query: String,
    /// Only this outlet (slug).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only this section (slug).
    #[arg(long)]
    pub section: Option<String>,
    /// Only articles naming this entity (slug).
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this language (e.g. en).
    #[arg(long)]
    pub language: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many hits (the next page starts at offset + limit).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// One JSON line per hit, best first.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, ClapArgs)]
pub struct DigestArgs {
    /// ISO week, e.g. 2025-W12 [default: last week]
    #[arg(long)]
    pub week: Option<String>,
    #[arg(long, default_value = "text", value_parser = ["html", "text", "markdown"])]
    pub format: String,
    /// E-mail the digest to every confirmed subscriber (once per week unless --force).
    #[arg(long)]
    pub send: bool,
    /// With --send: send even if this week's digest already went out.
    #[arg(long, requires = "send")]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Follow a feed URL, or any page of a site whose feed can be discovered.
    Add {
        url: String,
        /// Section for the feed's articles that have none.
        #[arg(long)]
        section: Option<String>,
    },
    /// Every feed with its outlet, last and next fetch, article count and last error.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop following a feed (its articles stay).
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum OpmlCommand {
    /// Follow every feed of an OPML file; categories become sections.
    Import { file: PathBuf },
    /// Print every followed feed as OPML 2.0.
    Export,
}

#[derive(Debug, ClapArgs)]
pub struct FetchArgs {
    /// One cycle, then exit.
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Fill the database with synthetic articles and time the week page, an entity page and
    /// searches (p50/p99), beside the bare store queries.
    Pages(BenchArgs),
    /// Stream story-clustering data sets (in the form of `datasets/clustering/dev`) into the
    /// database as new articles and time each one's story assignment, with the database as it
    /// is (empty, or filled by `bench pages`): the cost per article against history size.
    Stories {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, ClapArgs)]
pub struct BenchArgs {
    /// Articles the database should hold (synthetic ones are added up to this).
    #[arg(long, default_value_t = 100_000)]
    pub articles: usize,
    /// Timed requests per page.
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Run feedparser's conformance cases (a folder with index.jsonl) through tidings' parser.
    Feeds {
        dir: PathBuf,
        /// List every failure and not-applicable case (so does -v/--verbose).
        #[arg(long)]
        failures: bool,
        /// Exit non-zero when the overall pass rate of applicable cases is below this (0–1).
        #[arg(long)]
        min_rate: Option<f64>,
    },
    /// Extract every page of a data set laid out like `datasets/extraction/dev` (html/ and
    /// ground-truth.json) and score the article bodies as `tools/extraction_score.py` does.
    Extraction {
        dir: PathBuf,
        /// Write predictions in the scorer's form.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Exit non-zero when F1 is below this (0–1).
        #[arg(long)]
        min_f1: Option<f64>,
    },
    /// Stream story-clustering data sets (JSONL with gold `cluster`) through the clusterer and
    /// print pairwise and B-cubed precision, recall and F1.
    Clustering {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `store`: every document is stored as an article in a fresh SQLite database and put
        /// in a story as the pipeline does; `memory`: the in-memory clusterer alone (faster,
        /// and with the member similarity the store lacks).
        #[arg(long, value_enum, default_value_t = Pipeline::Store)]
        pipeline: Pipeline,
        /// Write predictions in the form `tools/clustering_score.py` reads.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Shuffled orders averaged for files without dates.
        #[arg(long, default_value_t = 5)]
        seeds: u64,
        /// Exit non-zero when any file's pairwise F1 is below this (0–1).
        #[arg(long)]
        min_f1: Option<f64>,
    },
    /// Tag a CoNLL-format file (`datasets/ner/conll2003-dev.txt`, `datasets/gum/gum-dev.txt`)
    /// and print entity-level P/R/F1 for PER, ORG and LOC as `tools/ner_score.py --types
    /// PER,ORG,LOC` does, overall and on its `--subset prose`.
    Ner {
        file: PathBuf,
        /// Write the file with a predicted tag appended to each token line (scorer input).
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Exit non-zero when overall F1 is below this (0–1).
        #[arg(long)]
        min_f1: Option<f64>,
    },
    /// Extract the quotes of a PolNeAR-style JSONL file (`datasets/quotes/polnear-dev.jsonl`)
    /// and score them as `tools/quote_score.py` does, in both match modes.
    Quotes {
        file: PathBuf,
        /// Write predictions in the form `tools/quote_score.py` reads.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Exit non-zero when quote F1 (overlap match) is below this (0–1).
        #[arg(long)]
        min_f1: Option<f64>,
    },
    /// Run the XSS vectors of `datasets/xss-vectors` (h5sc/items.jsonl and
    /// dompurify/expect.jsonl) through the article sanitizer and check that nothing
    /// executable survives.
    Xss {
        dir: PathBuf,
        /// List every failing vector with the offending output.
        #[arg(long)]
        failures: bool,
        /// Exit non-zero when the share of safe vectors is below this (0–1; 1.0 = all).
        #[arg(long)]
        min_rate: Option<f64>,
    },
    /// Syndication (near-duplicate) detection: precision and recall of original–copy links over
    /// republished variants generated from real documents.
    ///
    /// The generator reads the corpus FILES (JSON Lines in the form of
    /// `datasets/clustering/dev`, documents without text skipped, or a JSON object of
    /// `{"articleBody","url"}` like `datasets/extraction/dev/ground-truth.json`), leaves out
    /// documents that are already copies of an earlier one (exact 5-word-shingle containment of
    /// at least 0.5: ECB+ holds several wire versions of one report), picks 40 % of the
    /// documents with at least three paragraphs and 60 words as originals and makes 1–3
    /// copies of each, published 1–72 h later by other outlets, with a new headline, one or two
    /// boilerplate lines before and after ("This article first appeared on …"), 10–30 % of the
    /// paragraphs dropped, two paragraphs swapped, and curly quotes, doubled spaces and changed
    /// line breaks. Everything (copies and every other document, among them different articles
    /// about the same event) is streamed in one seeded shuffled order through the detection the
    /// pipeline uses; then the first --store-docs documents go through a real (temporary SQLite)
    /// store, whose persisted links must equal the in-memory ones.
    #[command(verbatim_doc_comment)]
    Syndication {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Seed of the generator and of the stream order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Documents of the stream also stored through the real store (0: none).
        #[arg(long, default_value_t = 300)]
        store_docs: usize,
        /// Exit non-zero when link precision is below this (0–1).
        #[arg(long)]
        min_precision: Option<f64>,
        /// Exit non-zero when link recall is below this (0–1).
        #[arg(long)]
        min_recall: Option<f64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutletCommand {
    /// List outlets with their policies.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set an outlet's republication policy: full, excerpt or link.
    Policy { slug: String, policy: String },
    /// When to fetch the article page behind a feed entry: always, when-summary or never.
    Mode { slug: String, mode: String },
    /// Fetch and extract the pages of an outlet's stored articles again.
    Reextract { slug: String },
}

#[derive(Debug, Subcommand)]
pub enum EntityCommand {
    /// List entities, most mentioned first.
    List {
        /// Only this kind: person, organization or place.
        #[arg(long)]
        kind: Option<String>,
        /// Only entities whose name or an alias contains this.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Merge the entity FROM into INTO (slugs): links, quotes and aliases move; FROM's page
    /// redirects.
    Merge { from: String, into: String },
    /// Rename an entity (by slug); the old name stays as an alias, the old slug redirects.
    Rename { slug: String, name: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is read from standard input (one line), or from
    /// TIDINGS_USER_PASSWORD.
    Add {
        email: String,
        /// Name shown with the user's comments [default: the part of the address before @]
        #[arg(long)]
        name: Option<String>,
        /// Make the account an administrator.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make the account a moderator.
        #[arg(long)]
        moderator: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an account's role: reader, moderator or admin.
    Role { email: String, role: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for an account; it is printed once (only its hash is kept) and acts with
    /// the account's role.
    Add {
        email: String,
        /// What the token is for.
        #[arg(long)]
        name: String,
    },
    /// List tokens (never the tokens themselves): everyone's, or one account's.
    List {
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (from `token list`).
    Revoke { id: i64 },
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Args::command().debug_assert();
    }
}
