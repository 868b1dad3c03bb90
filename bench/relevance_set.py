"""The judged query set of the relevance benchmark (``python -m bench.relevance``).

TEST MATERIAL: the documents below were written for this benchmark (issue 13).
They are not real practices; names of kommuner are real so that name handling
can be measured, but nothing said about them is a fact. Every body says so in
its first line.

Each query has a *kind* (what it tests) and graded judgments: 3 = about
exactly what was asked, 2 = clearly relevant (a synonym, the parts written
apart, another form), 1 = marginally relevant. Documents not listed are not
relevant (0). Judged by reading the texts, before tuning anything.
"""

from __future__ import annotations

LABEL = "Testmateriale skrevet til relevansmålingen i bench/relevance.py; ikke en virkelig erfaring."

#: id -> (title, body, kommune names, topics)
DOCS: dict[str, tuple[str, str, list[str], list[str]]] = {
    "praktik1": (
        "Virksomhedspraktik for nyankomne flygtninge",
        "Kommunen tilbyder virksomhedspraktik i lokale virksomheder fra den første måned. "
        "Virksomhedspraktikken varer typisk tretten uger og følges af en konsulent.",
        ["Aarhus"],
        ["beskæftigelse"],
    ),
    "praktik2": (
        "Praktik i en lokal virksomhed som første skridt",
        "Deltagerne kommer i praktik i en virksomhed tæt på hjemmet. Praktikken kombineres med "
        "danskundervisning to dage om ugen.",
        ["Silkeborg"],
        ["beskæftigelse"],
    ),
    "mentor1": (
        "Mentorordningen i jobcentret",
        "Jobcentret har oprettet en mentorordning, hvor erfarne medarbejdere følger nye borgere. "
        "Mentorordningen evalueres hvert år.",
        ["Odense"],
        ["mentor"],
    ),
    "mentor2": (
        "Mentorer på arbejdspladsen",
        "En kollega fungerer som mentor for den nyansatte i de første måneder.",
        ["Kolding"],
        ["mentor"],
    ),
    "dansk1": (
        "Danskuddannelse på sprogcentret",
        "Sprogcentret udbyder danskuddannelse 2 og 3 om aftenen, så kursisterne kan passe et job.",
        ["Vejle"],
        ["danskuddannelse"],
    ),
    "dansk2": (
        "Sprogundervisning for kvinder med småbørn",
        "Sprogundervisningen foregår i dagtimerne med børnepasning i nabolokalet.",
        ["Randers"],
        ["sprog"],
    ),
    "dansk3": (
        "Undervisning i dansk sprog på arbejdspladsen",
        "Virksomheden stiller et lokale til rådighed, og en lærer underviser i dansk sprog og fagord.",
        ["Horsens"],
        ["sprog"],
    ),
    "bydel1": (
        "Bydelsmødre i Vollsmose",
        "Bydelsmødrene besøger familier og fortæller om skolen, sundhed og foreningslivet.",
        ["Odense"],
        ["kvinder", "frivillige"],
    ),
    "bydel2": (
        "En bydelsmor fortæller",
        "Som bydelsmor hjælper hun andre mødre med breve fra kommunen og forældremøder.",
        ["København"],
        ["kvinder", "frivillige"],
    ),
    "ydelse1": (
        "Introduktionsydelse og vejen til selvforsørgelse",
        "Under introduktionsprogrammet modtager deltagerne introduktionsydelse fra kommunen.",
        ["Herning"],
        ["ydelser"],
    ),
    "ydelse2": (
        "Integrationsydelsen og dens satser",
        "Integrationsydelsen blev indført som ny ydelse, og kommunen vejleder om satserne.",
        ["Viborg"],
        ["ydelser"],
    ),
    "ydelse3": (
        "Selvforsørgelsesydelse og hjemrejse",
        "Borgere på selvforsørgelsesydelse skal have et tilbud om job eller uddannelse.",
        ["Holstebro"],
        ["ydelser"],
    ),
    "program1": (
        "Introduktionsprogrammet for nyankomne",
        "Introduktionsprogrammet kombinerer danskundervisning og virksomhedsrettede tilbud.",
        ["Esbjerg"],
        ["nyankomne"],
    ),
    "program2": (
        "Integrationsprogram med job fra dag ét",
        "I integrationsprogrammet kommer flygtninge hurtigt i ordinært arbejde eller praktik.",
        ["Aalborg"],
        ["nyankomne", "beskæftigelse"],
    ),
    "nyank1": (
        "Nytilkomne familier i Høje-Taastrup",
        "De nytilkomne familier får en fast kontaktperson det første halve år.",
        ["Høje-Taastrup"],
        ["familier"],
    ),
    "tonder": (
        "Tidlig indsats i Tønder og Højer",
        "Skolerne i Tønder og Højer samarbejder om modtageklasser for nye elever.",
        ["Tønder", "Højer"],
        ["skole"],
    ),
    "aars": (
        "Erfaringer fra Aars",
        "I Aars har biblioteket åbnet en café for nye borgere i Vesthimmerland.",
        ["Vesthimmerland", "Aars"],
        ["kultur"],
    ),
    "aar": (
        "Tre år med lektiecafé",
        "I år fejrer lektiecaféen sit tredje år. Hvert år kommer flere børn.",
        ["Roskilde"],
        ["børn"],
    ),
    "besk1": (
        "Beskæftigelsesindsatsen for flygtninge",
        "Beskæftigelsesindsatsen bygger på tæt kontakt med virksomhederne.",
        ["Fredericia"],
        ["beskæftigelse"],
    ),
    "besk2": (
        "En indsats for beskæftigelse af unge",
        "Indsatsen skal øge beskæftigelse blandt unge uden uddannelse.",
        ["Næstved"],
        ["unge"],
    ),
    "radik1": (
        "Antiradikalisering i skolen",
        "Lærerne er uddannet i antiradikalisering og taler med eleverne om ekstremisme.",
        ["Aarhus"],
        ["antiradikalisering"],
    ),
    "radik2": (
        "Forebyggelse af radikalisering blandt unge",
        "Et netværk af forældre arbejder med at forebygge radikalisering.",
        ["København"],
        ["forebyggelse"],
    ),
    "kontrol1": (
        "Socialkontrol og æresrelaterede konflikter",
        "Rådgiverne hjælper unge, der udsættes for socialkontrol i familien.",
        ["Gladsaxe"],
        ["unge"],
    ),
    "kontrol2": (
        "Social kontrol i boligområdet",
        "Beboerne taler åbent om social kontrol og om frihed til at vælge.",
        ["Ishøj"],
        ["bolig"],
    ),
    "bode": (
        "Bøder for manglende fremmøde",
        "Kommunen kan give bøder, men bruger hellere samtaler. En bøde er sidste udvej.",
        ["Slagelse"],
        ["regler"],
    ),
    "boede": (
        "Familien boede i Rønne i fem år",
        "Familien boede først på Bornholm, i Rønne, og flyttede så til Sjælland.",
        ["Bornholm"],
        ["familier"],
    ),
    "roen": (
        "Ro i klassen giver plads til læring",
        "Lærerne skaber roen i klassen med faste rutiner.",
        ["Køge"],
        ["skole"],
    ),
    "lon": (
        "Løntilskud i kommunen",
        "Et job med løntilskud giver erfaring og løn fra første dag.",
        ["Frederikshavn"],
        ["beskæftigelse"],
    ),
    "fano": (
        "Fanø Kommune og de frivillige",
        "På Fanø tager frivillige imod nye borgere ved færgen.",
        ["Fanø"],
        ["frivillige"],
    ),
    "naestved": (
        "Næstved Kommunes sprogcenter",
        "Sprogcentret i Næstved har venteliste til danskuddannelse 1.",
        ["Næstved"],
        ["danskuddannelse"],
    ),
    "aarhus1": (
        "Århus: jobcenter og boligsocial indsats",
        "Jobcentret i Århus har medarbejdere i boligområdet to dage om ugen.",
        ["Aarhus"],
        ["bolig"],
    ),
    "aarhus2": (
        "Aarhus Kommunes helhedsplan for Gellerup",
        "Helhedsplanen forbinder boligområdet med resten af byen.",
        ["Aarhus"],
        ["bolig"],
    ),
    "famsam": (
        "Familiesammenførte ægtefæller",
        "Familiesammenførte ægtefæller får tilbud om danskuddannelse og et job.",
        ["Gentofte"],
        ["familier"],
    ),
    "kvinde": (
        "Kvindegrupper og foreningsliv",
        "Kvindegrupperne mødes ugentligt og prøver forskellige foreninger.",
        ["Albertslund"],
        ["kvinder"],
    ),
    "kontant": (
        "Kontanthjælp og aktivering",
        "Modtagere af kontanthjælp skal tilbydes aktivering inden for få uger.",
        ["Hvidovre"],
        ["ydelser"],
    ),
    "du3": (
        "Sprogcentrets tilbud om DU3",
        "Sprogcentrets hold på DU3 er for kursister med en lang uddannelse.",
        ["Aalborg"],
        ["danskuddannelse"],
    ),
    "born": (
        "Lektiehjælp for børn og unge",
        "Børnene får hjælp til lektierne af frivillige studerende.",
        ["Brøndby"],
        ["børn"],
    ),
    "igu": (
        "Integrationsgrunduddannelse (IGU)",
        "IGU kombinerer lønnet arbejde med skoleophold.",
        ["Vejen"],
        ["uddannelse"],
    ),
    "civil": (
        "Samarbejde med civilsamfundet",
        "Foreninger og frivillige tager imod nye borgere.",
        ["Odense"],
        ["frivillige"],
    ),
    "bolig": (
        "Boligsociale helhedsplaner",
        "Helhedsplanerne samler indsatser i udsatte boligområder.",
        ["Horsens"],
        ["bolig"],
    ),
    "sundhed": (
        "Sundhed og trivsel blandt flygtningebørn",
        "Sundhedsplejersker følger flygtningebørn i de første år.",
        ["Middelfart"],
        ["sundhed", "børn"],
    ),
    "vesthim": (
        "Frivillige i Vesthimmerland",
        "Frivillige i Aars, Farsø og Løgstør tager imod nye borgere ved kommunens velkomstmøder.",
        ["Vesthimmerland"],
        ["frivillige"],
    ),
    "hoeje": (
        "Høje forventninger til sprogundervisningen",
        "Kursisterne har høje forventninger, og lærerne lægger vægt på tydelige mål.",
        ["Vejle"],
        ["danskuddannelse"],
    ),
    "centre": (
        "Sprogcentre samarbejder på tværs",
        "Fire sprogcentre deler lærere og materialer.",
        ["Skive"],
        ["danskuddannelse"],
    ),
}

#: (query, kind, {doc id: grade})
QUERIES: list[tuple[str, str, dict[str, int]]] = [
    # a part finds the compound
    ("praktik", "compound part", {"praktik1": 3, "praktik2": 3, "program2": 2}),
    ("mentor", "compound part", {"mentor1": 3, "mentor2": 3}),
    ("ordning", "compound part", {"mentor1": 2}),
    ("radikalisering", "compound part", {"radik1": 3, "radik2": 3}),
    ("kontrol", "compound part", {"kontrol1": 3, "kontrol2": 3}),
    ("undervisning", "compound part", {"dansk2": 3, "dansk3": 3, "hoeje": 3, "program1": 2, "praktik2": 2}),
    ("jobcenter", "compound part", {"aarhus1": 3, "mentor1": 3}),
    ("grupper", "compound part", {"kvinde": 2}),
    # a compound also finds its parts written apart
    ("beskæftigelsesindsats", "compound whole", {"besk1": 3, "besk2": 2}),
    (
        "sprogundervisning",
        "compound whole",
        {"dansk2": 3, "hoeje": 3, "dansk3": 2, "dansk1": 2, "naestved": 1, "du3": 1, "centre": 1},
    ),
    ("socialkontrol", "compound whole", {"kontrol1": 3, "kontrol2": 2}),
    ("virksomhedspraktik", "compound whole", {"praktik1": 3, "praktik2": 2, "program2": 1}),
    (
        "danskundervisning",
        "compound whole",
        {
            "praktik2": 3,
            "program1": 3,
            "dansk3": 2,
            "dansk1": 2,
            "hoeje": 2,
            "dansk2": 2,
            "naestved": 1,
            "du3": 1,
            "centre": 1,
        },
    ),
    ("børnepasning", "compound whole", {"dansk2": 3}),
    # the field's thesaurus
    (
        "sprogskole",
        "synonym",
        {"dansk1": 3, "naestved": 3, "du3": 2, "centre": 2, "dansk2": 1, "dansk3": 1, "hoeje": 1},
    ),
    ("introduktionsydelse", "synonym", {"ydelse1": 3, "ydelse2": 2, "ydelse3": 2}),
    ("integrationsydelse", "synonym", {"ydelse2": 3, "ydelse1": 2, "ydelse3": 2}),
    ("nytilkomne", "synonym", {"nyank1": 3, "praktik1": 2, "program1": 2}),
    ("nyankomne", "synonym", {"praktik1": 3, "program1": 3, "nyank1": 2}),
    ("integrationsprogram", "synonym", {"program2": 3, "program1": 2}),
    ("IGU", "synonym", {"igu": 3}),
    (
        "danskuddannelse",
        "synonym",
        {"dansk1": 3, "naestved": 3, "famsam": 2, "du3": 2, "centre": 2, "dansk2": 1, "dansk3": 1, "hoeje": 1},
    ),
    # names stay names, spellings still meet
    ("Aars", "name", {"aars": 3, "vesthim": 3}),
    ("Vesthimmerland", "name", {"aars": 3, "vesthim": 3}),
    ("Høje Taastrup", "name", {"nyank1": 3}),
    ("Højer", "name", {"tonder": 3}),
    ("Århus", "name", {"aarhus1": 3, "aarhus2": 3, "praktik1": 2, "radik1": 2}),
    ("Aarhus", "name", {"aarhus1": 3, "aarhus2": 3, "praktik1": 2, "radik1": 2}),
    ("Fanoe", "name", {"fano": 3}),
    ("Naestved", "name", {"naestved": 3, "besk2": 2}),
    ("Hoeje-Taastrup", "name", {"nyank1": 3}),
    ("Rønne", "name", {"boede": 3}),
    # words folding must not merge
    ("år", "false pair", {"aar": 3, "nyank1": 1, "mentor1": 1, "sundhed": 1, "boede": 1}),
    ("bøde", "false pair", {"bode": 3}),
    ("boede", "false pair", {"boede": 3}),
    ("roen", "false pair", {"roen": 3}),
    ("løn", "false pair", {"lon": 3, "igu": 1}),
    # misspellings answered with results
    ("virksomhedspratik", "typo", {"praktik1": 3, "praktik2": 2, "program2": 1}),
    ("mentorordnig", "typo", {"mentor1": 3, "mentor2": 1}),
    ("bydelsmodre", "typo", {"bydel1": 3, "bydel2": 3}),
    ("danskudannelse", "typo", {"dansk1": 3, "naestved": 3, "famsam": 2, "du3": 2, "centre": 2}),
    ("flygtnige", "typo", {"praktik1": 3, "besk1": 3, "program2": 2, "sundhed": 2}),
    ("kontanthjaelp", "typo", {"kontant": 3}),
    # inflections the stemmer splits
    ("sprogcentret", "inflection", {"dansk1": 3, "naestved": 3, "du3": 3, "centre": 3}),
    ("sprogcenter", "inflection", {"dansk1": 3, "naestved": 3, "du3": 3, "centre": 3}),
    ("bydelsmor", "inflection", {"bydel1": 3, "bydel2": 3}),
    ("bydelsmødrene", "inflection", {"bydel1": 3, "bydel2": 3}),
    ("barn", "inflection", {"born": 3, "aar": 2, "sundhed": 2, "dansk2": 1}),
    # plain words and phrases, as before
    ("lektiecafé", "plain", {"aar": 3, "born": 1}),
    ("familiesammenførte", "plain", {"famsam": 3}),
    ("boligsocial helhedsplan", "plain", {"bolig": 3, "aarhus2": 3, "aarhus1": 2}),
    ("frivillige", "plain", {"civil": 3, "fano": 3, "vesthim": 3, "born": 2, "bydel1": 1, "bydel2": 1}),
    ("unge uddannelse", "plain", {"besk2": 3, "ydelse3": 1, "igu": 1, "du3": 1, "kontrol1": 1, "radik2": 1, "born": 1}),
]
