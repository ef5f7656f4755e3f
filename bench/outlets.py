#!/usr/bin/env python3
"""Fixture outlets for bench/soak.sh: FEEDS RSS feeds on loopback that keep publishing.

Serves /feed/N.xml (N in 0..FEEDS) on 127.0.0.1 only. While publishing, one new item goes to a
seeded-random feed every 1/RATE seconds; each feed shows its newest KEEP items, with an ETag so
an unchanged feed answers 304. Every published item's link is appended to LOG (one per line,
flushed at once) when it becomes visible, so the log is the truth to compare the database with.
Publishing stops after PUBLISH_SECONDS (or on SIGUSR1); serving goes on until SIGTERM.

Items carry enough words (> 150) that tidings stores them as they are instead of fetching an
article page. Standard library only.

    python3 bench/outlets.py --port 18190 --feeds 1000 --rate 10 --log published.log
"""

import argparse
import http.server
import random
import signal
import sys
import threading
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

WORDS = (
    "harbour council strike river flood minister budget court trial school hospital railway "
    "election museum bridge festival vote port union market weather storm farmers fishing "
    "energy wind solar housing rent police inquiry report tender contract mayor valley coast "
    "island ferry airport road tunnel library theatre orchestra football league season match "
    "doctors nurses teachers students science survey species forest lake mountain village city"
).split()


class Outlets:
    def __init__(self, feeds, keep, seed):
        self.feeds = feeds
        self.keep = keep
        self.rng = random.Random(seed)
        self.items = [[] for _ in range(feeds)]  # newest last
        self.published = 0
        self.lock = threading.Lock()

    def item(self, feed, n):
        words = " ".join(self.rng.choice(WORDS) for _ in range(170))
        title = f"Feed {feed} item {n}: " + " ".join(self.rng.choice(WORDS) for _ in range(6))
        link = f"https://feed{feed}.soak.example/items/{n}"
        return {
            "title": title,
            "link": link,
            "date": formatdate(time.time(), usegmt=True),
            "body": f"<p>{words}.</p>",
        }

    def publish(self, log):
        with self.lock:
            feed = self.rng.randrange(self.feeds)
            n = len(self.items[feed])
            item = self.item(feed, n)
            self.items[feed].append(item)
            self.published += 1
        log.write(item["link"] + "\n")
        log.flush()

    def render(self, feed):
        with self.lock:
            items = list(self.items[feed][-self.keep :])
            etag = f'"{feed}-{len(self.items[feed])}"'
        body = "".join(
            f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link>"
            f"<guid>{i['link']}</guid><pubDate>{i['date']}</pubDate>"
            f"<description>{escape(i['body'])}</description></item>"
            for i in reversed(items)
        )
        xml = (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Soak Outlet {feed}</title><link>https://feed{feed}.soak.example/</link>"
            f"{body}</channel></rss>"
        )
        return etag, xml.encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=18190)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=10.0, help="items published per second")
    ap.add_argument("--keep", type=int, default=50, help="items a feed shows")
    ap.add_argument("--publish-seconds", type=float, default=600)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--log", required=True)
    ap.add_argument("--opml", help="write an OPML file of every feed here and exit")
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    if args.opml:
        with open(args.opml, "w") as f:
            f.write('<?xml version="1.0"?><opml version="2.0"><body>')
            for n in range(args.feeds):
                f.write(f'<outline type="rss" text="Soak Outlet {n}" xmlUrl="{base}/feed/{n}.xml"/>')
            f.write("</body></opml>\n")
        return

    outlets = Outlets(args.feeds, args.keep, args.seed)
    stop_publishing = threading.Event()
    requests = {"feed": 0, "not_modified": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or parts[0] != "feed" or not parts[1].endswith(".xml"):
                self.send_error(404)
                return
            try:
                feed = int(parts[1][:-4])
            except ValueError:
                self.send_error(404)
                return
            if not 0 <= feed < args.feeds:
                self.send_error(404)
                return
            etag, body = outlets.render(feed)
            requests["feed"] += 1
            if self.headers.get("If-None-Match") == etag:
                requests["not_modified"] += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True

    def publisher():
        with open(args.log, "a") as log:
            started = time.monotonic()
            next_at = started
            while not stop_publishing.is_set() and time.monotonic() - started < args.publish_seconds:
                outlets.publish(log)
                next_at += 1.0 / args.rate
                stop_publishing.wait(max(0.0, next_at - time.monotonic()))
        print(f"outlets: published {outlets.published} items; publishing stopped", file=sys.stderr)

    signal.signal(signal.SIGUSR1, lambda *_: stop_publishing.set())
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    threading.Thread(target=publisher, daemon=True).start()
    print(f"outlets: serving {args.feeds} feeds on {base}", file=sys.stderr)
    server.serve_forever()
    print(
        f"outlets: {requests['feed']} feed requests, {requests['not_modified']} answered 304",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
