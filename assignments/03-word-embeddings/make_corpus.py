"""Write corpus.txt, the small training text of lesson 03: templated sentences, one per line.

The text is generated (so it is ours to ship) and deterministic (a fixed seed), small enough to
train a skip-gram model on in seconds. Its words come in groups that share contexts: royals and
ordinary people, male and female, animals, foods, colours. Skip-gram should place the words of a
group close together, which is exactly what the lesson sets out to show.

    python make_corpus.py        rewrites corpus.txt beside this file
"""

import random
from pathlib import Path

SEED = 3
SENTENCES = 2400

ROYAL_MALE = ["king", "prince"]
ROYAL_FEMALE = ["queen", "princess"]
COMMON_MALE = ["man", "boy"]
COMMON_FEMALE = ["woman", "girl"]
ANIMALS = ["cat", "dog", "horse", "cow", "sheep"]
FOODS = ["apple", "bread", "cheese", "soup", "rice"]
COLOURS = ["red", "green", "blue", "yellow", "white"]
THINGS = ["car", "door", "hat", "ball", "boat"]

ROYAL = ROYAL_MALE + ROYAL_FEMALE
COMMON = COMMON_MALE + COMMON_FEMALE
MALE = ROYAL_MALE + COMMON_MALE
PEOPLE = ROYAL + COMMON
YOUNG = ["prince", "princess", "boy", "girl"]
GROWN = ["king", "queen", "man", "woman"]


def possessive(person):
    return "his" if person in MALE else "her"


def pronoun(person):
    return "he" if person in MALE else "she"


def sentence(rng):
    """One sentence from a randomly chosen template."""
    pick = rng.choice
    templates = [
        lambda: f"the {pick(ROYAL)} rules the kingdom from the palace",
        lambda: f"the {pick(ROYAL)} wears a golden crown",
        lambda: f"the {pick(ROYAL)} sits on the royal throne",
        lambda: f"the {pick(COMMON)} works in the village",
        lambda: f"the {pick(COMMON)} walks to the market in the village",
        lambda: f"the {pick(COMMON)} lives in a small house",
        lambda: (lambda p: f"the {p} rides {possessive(p)} {pick(['horse', 'dog'])}")(pick(PEOPLE)),
        lambda: (lambda p: f"the {p} said that {pronoun(p)} was tired")(pick(PEOPLE)),
        lambda: (lambda p: f"the {p} and {possessive(p)} friends")(pick(PEOPLE)),
        lambda: (lambda p: f"{pronoun(p)} is the {p}")(pick(PEOPLE)),
        lambda: f"the young {pick(YOUNG)} plays in the garden",
        lambda: f"the {pick(YOUNG)} goes to school",
        lambda: f"the {pick(GROWN)} raised two children",
        lambda: f"the {pick(GROWN)} is old and wise",
        lambda: f"the {pick(ANIMALS)} sleeps in the barn",
        lambda: f"the {pick(ANIMALS)} runs across the field",
        lambda: f"the farmer feeds the hungry {pick(ANIMALS)}",
        lambda: f"a {pick(ANIMALS)} has four legs",
        lambda: f"the {pick(PEOPLE)} eats some {pick(FOODS)}",
        lambda: f"the {pick(FOODS)} tastes good",
        lambda: f"we cook {pick(FOODS)} for dinner",
        lambda: f"fresh {pick(FOODS)} from the kitchen",
        lambda: f"the {pick(THINGS)} is {pick(COLOURS)}",
        lambda: f"we paint the {pick(THINGS)} {pick(COLOURS)}",
        lambda: f"a bright {pick(COLOURS)} colour",
        lambda: f"they like the colour {pick(COLOURS)}",
    ]
    return pick(templates)()


def corpus_text(seed=SEED, sentences=SENTENCES):
    rng = random.Random(seed)
    return "".join(sentence(rng) + "\n" for _ in range(sentences))


if __name__ == "__main__":
    target = Path(__file__).with_name("corpus.txt")
    target.write_text(corpus_text(), encoding="utf-8")
    print(f"wrote {target}")
