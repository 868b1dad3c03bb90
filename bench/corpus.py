"""A deterministic generator of a SYNTHETIC Danish corpus in the content format.

Every practice is made up: the front matter says so in ``source``, the body
says so in its first line, and every slug starts with ``syn-``. The corpus is
written to a directory of its own (default ``bench/out/corpus-<size>-s<seed>``,
git-ignored) and never into ``content/``.

::

    .venv/bin/python -m bench.corpus --size 1k [--seed 7] [--out DIR] [--check]

What it holds, per size N:

* ``practices/syn-NNNNNN-<title>.md`` – N practices with real kommune names
  (current and former names, Danish and folded spellings such as Århus/Aarhus,
  Høje-Taastrup/Hoeje Taastrup), one of the four evidence categories, topics
  from ~45 integration topics (Zipf-weighted), target groups, organisation,
  start/end years, status, and a Markdown body of 300–1,500 words assembled
  from Danish phrases of integration work, rich in definite and plural forms
  (flygtningene, kommunerne, indsatsen, virksomhederne) and in compounds, so
  the vocabulary has a long tail like real write-ups.
* ``notes/`` – N/100 synthetic notes of the ``vestegnen`` network (a tenth of
  them ``visibility: network``), citing synthetic practices.
* ``networks/*.yaml`` and ``rankings/*.yaml`` copied from the real ``content/``
  tree, so the network and ranking pages exist.

Each file is generated from its own seeded random stream (seed + number), so
the 1k corpus is exactly the first 1,000 practices of the 10k corpus, and a
run with the same seed and ``GENERATOR_VERSION`` gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from pathlib import Path

from portal.content import kommuner as kommune_registry

GENERATOR_VERSION = 2
DEFAULT_SEED = 7
SYNTHETIC_SOURCE = "Syntetisk testdata – bench/corpus.py"
SYNTHETIC_LINE = "*Syntetisk testdata genereret af bench/corpus.py til ydelsesmålinger – ikke en rigtig erfaring.*"

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
REAL_CONTENT = BENCH_DIR.parent / "content"

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    if text.endswith("k") and text[:-1].isdigit():
        return int(text[:-1]) * 1000
    if text.isdigit():
        return int(text)
    raise ValueError(f"ukendt størrelse {text!r} (fx 1k, 10k, 100k, 2500)")


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


# ---------------------------------------------------------------- vocabulary

# (topic, weight): a Zipf-like spread so facet counts look like real data.
TOPICS = [
    "beskæftigelse",
    "danskuddannelse",
    "mentor",
    "virksomhedspraktik",
    "løntilskud",
    "flygtninge",
    "familiesammenførte",
    "unge",
    "kvinder",
    "bydelsmødre",
    "frivillighed",
    "sundhed",
    "bolig",
    "uddannelse",
    "civilsamfund",
    "virksomhedsrettet indsats",
    "jobcenter",
    "integrationsprogram",
    "selvforsørgelse",
    "fritidsjob",
    "forældresamarbejde",
    "skole",
    "daginstitution",
    "brobygning",
    "psykisk sundhed",
    "traumer",
    "idræt",
    "foreningsliv",
    "netværk",
    "boligsocial indsats",
    "lokalområde",
    "opsøgende indsats",
    "sprogpraktik",
    "iværksætteri",
    "opkvalificering",
    "antiradikalisering",
    "social kontrol",
    "diskrimination",
    "udenlandsk arbejdskraft",
    "nyankomne",
    "partnerskaber",
    "branchepakker",
    "kontanthjælp",
    "helhedsorienteret indsats",
    "benchmarking",
]
TOPIC_WEIGHTS = [1.0 / (i + 1) ** 0.8 for i in range(len(TOPICS))]

TARGET_GROUPS = [
    "flygtninge",
    "familiesammenførte",
    "nyankomne",
    "ægtefælleforsørgede",
    "unge",
    "kvinder",
    "mænd",
    "børn",
    "forældre",
    "kontanthjælpsmodtagere",
    "indvandrere",
    "efterkommere",
    "ældre",
]
TARGET_WEIGHTS = [1.0 / (i + 1) ** 0.7 for i in range(len(TARGET_GROUPS))]

EVIDENCE = [("ikke-evalueret", 40), ("delvis-effekt", 25), ("ingen-effekt", 20), ("effekt", 15)]
EVIDENCE_TEXT = {
    "effekt": "entydigt viser effekt",
    "delvis-effekt": "delvist viser effekt",
    "ingen-effekt": "ikke kan vise effekt",
    "ikke-evalueret": "endnu ikke er evalueret",
}

TITLE_HEADS = [
    "Mentorforløb",
    "Virksomhedspraktik",
    "Jobrettet danskundervisning",
    "Brobygningsforløb",
    "Løntilskudsforløb",
    "Bydelsmødre",
    "Frivillige lektiecaféer",
    "Sundhedsformidlere",
    "Helhedsorienteret familieindsats",
    "Branchepakker",
    "Sprogpraktik",
    "Fritidsjob",
    "Opsøgende indsats",
    "Forældrekurser",
    "Jobmatch",
    "Iværksætterforløb",
    "Traumebehandling og beskæftigelse",
    "Netværksgrupper",
    "Tidlig virksomhedsrettet indsats",
    "Partnerskaber med virksomhederne",
    "Boligsocial beskæftigelsesindsats",
    "Idræt og foreningsliv",
    "Kompetenceafklaring",
    "Opkvalificering",
    "Praktikpladsgaranti",
    "Dialogmøder",
]
TITLE_GROUPS = [
    "for nyankomne flygtninge",
    "for unge",
    "for familiesammenførte",
    "for kvinder uden for arbejdsmarkedet",
    "for ægtefælleforsørgede",
    "for forældre",
    "for kontanthjælpsmodtagere",
    "for flygtningefamilier",
    "for unge efterkommere",
    "for borgere med traumer",
    "for udenlandsk arbejdskraft",
    "",
]

SUBJECTS = [
    "Kommunen",
    "Jobcentret",
    "Sprogcentret",
    "Projektet",
    "Indsatsen",
    "Forvaltningen",
    "Medarbejderne",
    "Mentorerne",
    "De frivillige",
    "Virksomhederne",
    "Bydelsmødrene",
    "Sagsbehandlerne",
    "Virksomhedskonsulenterne",
    "Integrationsrådet",
    "Styregruppen",
    "Partnerskabet",
    "Projektlederen",
    "Kommunerne",
    "Foreningerne",
    "Lærerne",
]
VERBS = [
    "har etableret",
    "tilbyder",
    "samarbejder med",
    "understøtter",
    "følger op på",
    "har udviklet",
    "koordinerer",
    "evaluerer",
    "styrker",
    "prioriterer",
    "afprøver",
    "har udvidet",
    "finansierer",
    "dokumenterer",
    "organiserer",
    "målretter",
]
OBJECTS = [
    "et intensivt forløb for de nyankomne flygtninge",
    "virksomhedspraktik og løntilskud",
    "danskundervisning på arbejdspladsen",
    "mentorordninger for de unge",
    "de familiesammenførte kvinders vej til job",
    "kontakten til de lokale foreninger",
    "borgernes vej til ordinær beskæftigelse",
    "samarbejdet med virksomhederne",
    "indsatsen over for forældrene",
    "sprogundervisningen i dagtimerne",
    "opfølgningen på integrationskontrakterne",
    "de individuelle handleplaner",
    "brobygningen mellem skolerne og erhvervsuddannelserne",
    "fritidsjobbene til de unge",
    "sundhedsindsatsen for flygtningefamilierne",
    "netværkene i boligområderne",
    "kompetenceafklaringen af de nyankomne",
    "de virksomhedsrettede tilbud",
    "samtalerne med de ægtefælleforsørgede",
    "frivillighedsindsatsen i lokalsamfundet",
]
ADVERBIALS = [
    "i tæt samarbejde med virksomhederne",
    "allerede i integrationsperioden",
    "på tværs af forvaltningerne",
    "i de udsatte boligområder",
    "gennem hele forløbet",
    "med fokus på sprog og beskæftigelse",
    "i samarbejde med sprogskolerne",
    "uden lange ventetider",
    "efter en individuel vurdering",
    "i de første måneder",
    "sammen med de frivillige organisationer",
    "med støtte fra ministeriet",
    "i hele kommunen",
    "i dialog med familierne",
    "på arbejdspladserne",
]
FACTS = [
    "Erfaringerne viser, at flygtningene lærer dansk hurtigere, når sproget trænes i praksis på arbejdspladsen.",
    "Bydelsmødrene besøger familierne og fortæller om sundhed, skolen og foreningslivet.",
    "Mange af deltagerne har ikke tidligere haft kontakt med det danske arbejdsmarked.",
    "Virksomhederne fremhæver, at en fast kontaktperson i jobcentret gør samarbejdet lettere.",
    "Kommunerne har forskellige erfaringer med at fastholde borgerne i beskæftigelse.",
    "De unge får hjælp til lektier, uddannelsesvalg og det første fritidsjob.",
    "Mentorerne mødes med deltagerne hver uge og følger op på aftalerne.",
    "Indsatsen bygger på en antagelse om, at tidlig kontakt til arbejdsmarkedet giver bedre resultater.",
    "Forældrene inddrages i skolens arbejde gennem dialogmøder og hjemmebesøg.",
    "Sagsbehandlerne oplever, at borgerne har brug for mere støtte i overgangen til job.",
    "Der er afsat midler til opkvalificering af medarbejderne i integrationsteamet.",
    "Kvinderne i forløbet har ofte været længe uden for arbejdsmarkedet.",
    "Indsatserne over for de familiesammenførte er tilrettelagt i samarbejde med sprogcentrene.",
    "Projektet har haft vanskeligt ved at rekruttere deltagere i begyndelsen.",
    "Flere virksomheder har efterfølgende ansat deltagere i ordinære stillinger.",
    "Foreningerne står for aktiviteter om aftenen og i weekenderne.",
    "Udslusningsgraden og selvforsørgelseshastigheden følges hvert kvartal.",
    "Deltagerne med traumer tilbydes et sundhedsforløb parallelt med praktikken.",
    "Integrationsrådet har fulgt indsatsen og givet anbefalinger til byrådet.",
    "Boligselskaberne bidrager med lokaler og kendskab til beboerne.",
]
# Compounds give the long tail of a real Danish vocabulary.
COMPOUND_LEFT = [
    "integrations",
    "beskæftigelses",
    "virksomheds",
    "sprog",
    "uddannelses",
    "sundheds",
    "bolig",
    "forældre",
    "frivilligheds",
    "mentor",
    "praktik",
    "job",
    "familie",
    "ungdoms",
    "kvinde",
    "flygtninge",
    "netværks",
    "forenings",
    "skole",
    "erhvervs",
    "samarbejds",
    "kompetence",
    "opfølgnings",
    "indsats",
    "kontakt",
    "borger",
    "lokal",
    "myndigheds",
    "introduktions",
    "afklarings",
    "arbejdsmarkeds",
    "trivsels",
    "dialog",
    "undervisnings",
    "fritids",
    "projekt",
    "rådgivnings",
    "kultur",
    "velfærds",
    "tolke",
]
COMPOUND_RIGHT = [
    ("forløb", ["forløb", "forløbet", "forløbene"]),
    ("indsats", ["indsats", "indsatsen", "indsatser", "indsatserne"]),
    ("plan", ["plan", "planen", "planer", "planerne"]),
    ("konsulent", ["konsulent", "konsulenten", "konsulenter", "konsulenterne"]),
    ("tilbud", ["tilbud", "tilbuddet", "tilbuddene"]),
    ("møde", ["møde", "mødet", "møder", "møderne"]),
    ("team", ["team", "teamet", "teams"]),
    ("område", ["område", "området", "områder", "områderne"]),
    ("aftale", ["aftale", "aftalen", "aftaler", "aftalerne"]),
    ("ordning", ["ordning", "ordningen", "ordninger", "ordningerne"]),
    ("kursus", ["kursus", "kurset", "kurser", "kurserne"]),
    ("vejleder", ["vejleder", "vejlederen", "vejledere", "vejlederne"]),
    ("strategi", ["strategi", "strategien", "strategier"]),
    ("samtale", ["samtale", "samtalen", "samtaler", "samtalerne"]),
    ("resultat", ["resultat", "resultatet", "resultater", "resultaterne"]),
    ("udvalg", ["udvalg", "udvalget", "udvalgene"]),
    ("model", ["model", "modellen", "modeller", "modellerne"]),
    ("netværk", ["netværk", "netværket", "netværkene"]),
]
COMPOUND_FRAMES = [
    "{C} er en vigtig del af arbejdet.",
    "Der er særligt fokus på {c}.",
    "I {k} blev {c} styrket i løbet af {y}.",
    "{C} blev drøftet med ledelsen i {y}.",
    "Både {c} og {c2} indgår i evalueringen.",
    "Medarbejderne peger på {c} som en forudsætning for {c2}.",
]
PARTICIPATION = [
    "forløbet",
    "praktikken",
    "mentorordningen",
    "sprogkurserne",
    "netværksgrupperne",
    "jobmatchet",
    "forældrekurserne",
    "brobygningsforløbene",
    "indsatsen",
]
BULLETS = [
    "ugentlige samtaler med en fast mentor",
    "praktik i en lokal virksomhed",
    "danskundervisning tilpasset branchen",
    "hjælp til cv og jobsøgning",
    "sundhedssamtaler og motion",
    "netværksmøder for forældrene",
    "lektiehjælp og fritidsjob",
    "opfølgning efter ansættelse",
    "brobygning til erhvervsuddannelserne",
    "kurser i dansk arbejdskultur",
    "kontakt til de frivillige foreninger",
]
ORGANISATIONS = [
    "{k} Kommune, Jobcenter {k}",
    "{k} Kommune, Beskæftigelses- og Integrationsforvaltningen",
    "{k} Kommune, Sprogcenter {k}",
    "{k} Kommune, Børne- og Ungdomsforvaltningen",
    "Boligsocialt helhedsområde i {k}",
    "Integrationsrådet i {k}",
]
NATIONAL_ORGANISATIONS = [
    "Landsdækkende forsøg (syntetisk)",
    "Statslig pulje (syntetisk)",
    "Landsorganisation (syntetisk)",
]


# ---------------------------------------------------------------- kommuner


def _kommune_refs() -> list[tuple[str, list[str], float]]:
    """(code, [ways to write it], weight) for each of the 98 kommuner.

    Ways: the current name, former names that resolve to it, and folded
    spellings (Aarhus/Århus, Hoeje Taastrup) — each verified with the real
    resolver, so every reference the generator writes is valid.
    """
    out = []
    big = {"101": 12, "751": 8, "461": 6, "851": 5, "147": 3, "169": 3, "175": 2, "167": 2}
    for k in kommune_registry.all_kommuner():
        candidates = [k.name]
        for f in kommune_registry.former_of(k.code):
            candidates.append(f.name)
        folded = [_fold_name(n) for n in candidates]  # ae/oe/aa spellings
        candidates += [n.replace("-", " ") for n in folded]
        ways = []
        for name in dict.fromkeys(candidates):
            try:
                if kommune_registry.resolve(name).kommune.code == k.code:
                    ways.append(name)
            except kommune_registry.KommuneError:
                pass
        out.append((k.code, ways, float(big.get(k.code, 1))))
    return out


_NAME_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _fold_name(name: str) -> str:
    """Århus → Aarhus, Høje-Taastrup → Hoeje-Taastrup (case kept)."""
    return name.translate(_NAME_FOLD)


def slugify(text: str) -> str:
    t = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- one practice


class _Gen:
    def __init__(self, seed: int):
        self.seed = seed
        self.refs = _kommune_refs()
        self.ref_weights = [w for _c, _w, w in self.refs]

    def _pick_kommuner(self, rng: random.Random) -> list[tuple[str, str]]:
        r = rng.random()
        n = 0 if r < 0.10 else 1 if r < 0.75 else rng.randint(2, 5)
        chosen: dict[str, str] = {}
        while len(chosen) < n:
            code, ways, _w = rng.choices(self.refs, weights=self.ref_weights)[0]
            if code in chosen:
                continue
            x = rng.random()
            name = ways[0] if x < 0.7 or len(ways) == 1 else rng.choice(ways[1:])
            chosen[code] = name
        return list(chosen.items())

    def _compound(self, rng: random.Random) -> str:
        left = rng.choice(self.v["left"])
        _head, forms = rng.choice(self.v["right"])
        return left + rng.choice(forms)

    def _vocabulary(self, rng: random.Random) -> None:
        """Each document draws from its own subset of every phrase pool, so a
        phrase occurs in roughly a quarter of the documents and word
        frequencies spread out (Zipf-like) instead of every document
        holding every word."""

        def some(pool, k):
            return rng.sample(pool, min(len(pool), k))

        self.v = {
            "subjects": some(SUBJECTS, 5),
            "verbs": some(VERBS, 5),
            "objects": some(OBJECTS, 4),
            "adverbials": some(ADVERBIALS, 4),
            "facts": some(FACTS, 4),
            "frames": some(COMPOUND_FRAMES, 3),
            "left": some(COMPOUND_LEFT, 6),
            "right": some(COMPOUND_RIGHT, 5),
            "groups": some(TARGET_GROUPS, 3),
            "participation": some(PARTICIPATION, 3),
        }

    def _sentence(self, rng: random.Random, places: list[str], year: int) -> str:
        r = rng.random()
        place = rng.choice(places) if places else "kommunerne"
        if r < 0.35:
            v = self.v
            s = f"{rng.choice(v['subjects'])} {rng.choice(v['verbs'])} {rng.choice(v['objects'])} {rng.choice(v['adverbials'])}."
        elif r < 0.6:
            s = rng.choice(self.v["facts"])
        elif r < 0.85:
            c, c2 = self._compound(rng), self._compound(rng)
            s = rng.choice(self.v["frames"]).format(C=c[:1].upper() + c[1:], c=c, c2=c2, k=place, y=year)
        elif r < 0.95:
            s = (
                f"I {place} deltog {rng.randint(8, 400)} borgere i {rng.choice(self.v['participation'])}, "
                f"og {rng.randint(5, 70)} procent var i job eller uddannelse efter {rng.randint(3, 24)} måneder (syntetisk tal)."
            )
        else:
            s = f"Målet er, at flere {rng.choice(self.v['groups'])} bliver selvforsørgende {rng.choice(self.v['adverbials'])}."
        return s

    def _paragraph(self, rng, places, year, words_left: int) -> tuple[str, int]:
        sentences, n = [], 0
        for _ in range(rng.randint(3, 7)):
            s = self._sentence(rng, places, year)
            sentences.append(s)
            n += len(s.split())
            if n >= words_left:
                break
        return " ".join(sentences), n

    def practice(self, i: int) -> tuple[str, str]:
        """(slug, file text) of synthetic practice number i."""
        rng = random.Random(f"{self.seed}:practice:{i}")
        self._vocabulary(rng)
        kommuner = self._pick_kommuner(rng)
        names = [name for _code, name in kommuner]
        topics = list(dict.fromkeys(rng.choices(TOPICS, weights=TOPIC_WEIGHTS, k=rng.randint(2, 6))))
        groups = list(dict.fromkeys(rng.choices(TARGET_GROUPS, weights=TARGET_WEIGHTS, k=rng.randint(0, 3))))
        evidence = rng.choices([e for e, _ in EVIDENCE], weights=[w for _, w in EVIDENCE])[0]
        head = rng.choice(TITLE_HEADS)
        group = rng.choice(TITLE_GROUPS)
        title = " ".join(x for x in (head, group) if x)
        if names and rng.random() < 0.6:
            title += f" i {names[0]}"
        start = rng.randint(2000, 2023)
        end = start + rng.randint(1, 5) if rng.random() < 0.7 else None
        status = rng.choice(["igangværende", "afsluttet", None])
        if names:
            org = rng.choice(ORGANISATIONS).format(k=kommune_registry.resolve(names[0]).kommune.name)
        else:
            org = rng.choice(NATIONAL_ORGANISATIONS)
        slug = f"syn-{i:06d}-{slugify(title)}"[:80].rstrip("-")

        target_words = rng.randint(300, 1500)
        year = end or start
        body, words = [f"# {title}", "", SYNTHETIC_LINE, ""], 0
        sections = ["Baggrund", "Indsatsen", "Samarbejde", "Resultater", "Erfaringer"]
        per_section = max(60, target_words // len(sections))
        for s_i, section in enumerate(sections):
            body += [f"## {section}", ""]
            written = 0
            while written < per_section and words < target_words:
                para, n = self._paragraph(rng, names, year, per_section - written)
                body += [para, ""]
                written += n
                words += n
            if s_i == 1:
                body += [f"- {b}" for b in rng.sample(BULLETS, rng.randint(2, 5))] + [""]
        body += [
            f"## Evidens: {EVIDENCE_TEXT[evidence]}",
            "",
            f"Kategorien er valgt til testformål. Indsatsen {EVIDENCE_TEXT[evidence]} i dette syntetiske eksempel.",
            "",
            "## Kilde",
            "",
            f"{SYNTHETIC_SOURCE} (seed {self.seed}, nr. {i}).",
            "",
        ]
        fm = ["---", f"title: {q(title)}"]
        if names:
            fm.append("kommuner: [" + ", ".join(q(n) for n in names) + "]")
        fm.append(f"evidence: {evidence}")
        fm.append("topics: [" + ", ".join(q(t) for t in topics) + "]")
        if groups:
            fm.append("target_groups: [" + ", ".join(q(g) for g in groups) + "]")
        fm.append(f"organisation: {q(org)}")
        fm.append(f"start: {start}")
        if end:
            fm.append(f"end: {end}")
        if status:
            fm.append(f"status: {status}")
        fm.append(f"source: {q(SYNTHETIC_SOURCE)}")
        fm.append("---")
        return slug, "\n".join(fm) + "\n\n" + "\n".join(body)

    def note(self, j: int, practice_slugs: list[str]) -> tuple[str, str]:
        rng = random.Random(f"{self.seed}:note:{j}")
        self._vocabulary(rng)
        date = f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        title = f"Netværksmøde om {rng.choice(TOPICS)} ({j + 1})"
        slug = f"{date}-syn-{j:05d}-{slugify(title)}"[:100].rstrip("-")
        cited = rng.sample(practice_slugs, min(len(practice_slugs), rng.randint(1, 3)))
        members = ["Brøndby", "Ishøj", "Albertslund", "Høje-Taastrup", "Hvidovre"]
        vis = "network" if rng.random() < 0.1 else "public"
        body = [f"# {title}", "", SYNTHETIC_LINE, ""]
        for _ in range(rng.randint(2, 5)):
            body += [self._paragraph(rng, members, int(date[:4]), 120)[0], ""]
        fm = [
            "---",
            f"title: {q(title)}",
            "network: vestegnen",
            f"date: {date}",
            "kommuner: [" + ", ".join(q(m) for m in rng.sample(members, rng.randint(1, 5))) + "]",
            "topics: [" + ", ".join(q(t) for t in dict.fromkeys(rng.choices(TOPICS, weights=TOPIC_WEIGHTS, k=3))) + "]",
            "practices: [" + ", ".join(cited) + "]",
            f"visibility: {vis}",
            "---",
        ]
        return slug, "\n".join(fm) + "\n\n" + "\n".join(body)


# ---------------------------------------------------------------- writing


def corpus_dir(n: int, seed: int = DEFAULT_SEED) -> Path:
    return OUT_DIR / f"corpus-{size_label(n)}-s{seed}"


def _manifest(n: int, seed: int) -> dict:
    return {"practices": n, "notes": n // 100, "seed": seed, "generator_version": GENERATOR_VERSION, "synthetic": True}


def generate(
    n: int,
    out: Path | None = None,
    seed: int = DEFAULT_SEED,
    *,
    force: bool = False,
    check: bool | None = None,
    say=print,
) -> tuple[Path, float, bool]:
    """Write the corpus (if not already there). Returns (dir, seconds, cached)."""
    out = Path(out) if out else corpus_dir(n, seed)
    real = REAL_CONTENT.resolve()
    if out.resolve() == real or real in out.resolve().parents:
        raise SystemExit(f"nægter at skrive syntetisk indhold ind i {real}")
    manifest = out / "MANIFEST.json"
    if not force and manifest.exists():
        try:
            if json.loads(manifest.read_text()) == _manifest(n, seed):
                return out, 0.0, True
        except ValueError:
            pass
    started = time.monotonic()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "practices").mkdir(parents=True)
    (tmp / "notes").mkdir()
    for kind in ("networks", "rankings"):
        shutil.copytree(REAL_CONTENT / kind, tmp / kind)
    gen = _Gen(seed)
    slugs = []
    for i in range(n):
        slug, text = gen.practice(i)
        (tmp / "practices" / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
        if (i + 1) % 10_000 == 0:
            say(f"  {i + 1}/{n} erfaringer skrevet")
    for j in range(n // 100):
        slug, text = gen.note(j, slugs[: max(1, (j + 1) * 100)])
        (tmp / "notes" / f"{slug}.md").write_text(text, encoding="utf-8")
    (tmp / "MANIFEST.json").write_text(json.dumps(_manifest(n, seed)), encoding="utf-8")
    if check if check is not None else n <= 2_000:
        check_loads(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out, time.monotonic() - started, False


def check_loads(root: Path) -> int:
    """Load the corpus with the real loader; raise SystemExit on any error."""
    from portal.content.loader import load_content

    content = load_content(root)
    if content.errors:
        shown = "\n".join(str(e) for e in content.errors[:20])
        raise SystemExit(f"{len(content.errors)} fejl i det syntetiske korpus:\n{shown}")
    return content.count()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1k", help="1k, 10k, 100k or a number of practices")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, help="target directory (default bench/out/corpus-<size>-s<seed>)")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    ap.add_argument("--check", action="store_true", help="validate with the real loader (default for ≤ 2k)")
    args = ap.parse_args(argv)
    n = parse_size(args.size)
    out, secs, cached = generate(n, args.out, args.seed, force=args.force, check=args.check or None)
    print(f"{out}: {n} erfaringer, {n // 100} notater ({'cache' if cached else f'{secs:.1f} s'})")
    if args.check and cached:
        print(f"loader: {check_loads(out)} filer, 0 fejl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
