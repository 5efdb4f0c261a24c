"""The grammar of a rule in words (Lark, Earley parser, explicit ambiguity).

Tokens come from :func:`.vocabulary.tokens`: keywords by their upper-case word, known
sheet names as ``NAME``, quoted text as ``QUOTED``, numbers, unknown words as ``WORD``.
Where the words allow two readings (``A in X or B in Y``: is ``B`` a place?), the parser
keeps both and the compiler keeps the one whose names make sense.
"""

from __future__ import annotations

from functools import lru_cache

from lark import Lark

from .vocabulary import KEYWORDS, RuleLexer

GRAMMAR = r"""
start: formula

?formula: IF formula THEN formula                  -> if_then
        | disj
?disj: conj
     | disj OR conj                                -> or_
?conj: neg
     | conj AND neg                                -> and_
?neg: NOT neg                                      -> not_
    | NOT LPAR formula RPAR                        -> not_
    | LPAR formula RPAR
    | atom

?atom: runs | starts | placed | pair | order | count | person | fits

// ---- placing and forbidding
runs: items be? in_ targets (in_ targets)*                 -> runs_in
    | items be? NOT in_ targets (in_ targets)*             -> runs_not
    | items be? NEVER in_ targets (in_ targets)*           -> runs_not
starts: items STARTS in_? targets                          -> starts
placed: items be? PLACED                                   -> placed
      | items be? NOT PLACED                               -> not_placed
in_: IN | AT | ON | DURING | WITHIN
be: IS | ARE

// ---- pairs
pair: NEVER TOGETHER item_list                             -> apart
    | item_list be? NEVER TOGETHER                         -> apart
    | item_list be? APART                                  -> apart
    | TOGETHER item_list                                   -> together
    | item_list be? TOGETHER                               -> together
    | NEVER TOGETHER pair_sel                              -> apart_weighted
    | pair_sel be? NEVER TOGETHER                          -> apart_weighted
    | pair_sel be? APART                                   -> apart_weighted
    | TOGETHER pair_sel                                    -> together_weighted
    | pair_sel be? TOGETHER                                -> together_weighted
    | PAIR WEIGHTS                                         -> pair_weights
pair_sel: PAIRS WITH WEIGHT cmp NUMBER
cmp: ABOVE | BELOW | AT MOST | AT LEAST

order: items be? BEFORE items                              -> before
     | items be? AFTER items                               -> after
     | items be? RIGHT AFTER items                         -> right_after
     | items be? RIGHT BEFORE items                        -> right_before

// ---- counting
count: quantity counted filter*
quantity: AT MOST NUMBER                                   -> at_most
        | NO MORE THAN NUMBER                              -> at_most
        | AT LEAST NUMBER                                  -> at_least
        | EXACTLY NUMBER                                   -> exactly
        | BETWEEN NUMBER AND NUMBER                        -> between
        | NO                                               -> none_
counted: ITEM | ITEMS | SLOT | SLOTS
filter: (OF | WITH) colval                                 -> f_with
      | WITHOUT colval                                     -> f_without
      | in_ targets                                        -> f_targets
      | PER window                                         -> f_window
      | in_ (EVERY | EACH) window                          -> f_window
      | FOR (EACH | EVERY) ref                             -> f_foreach
      | FOR (EACH | EVERY) ITEM                            -> f_each_item
window: wpart (AND wpart)*
wpart: SLOT | PLACE | ref

// ---- persons
person: (A | EACH | EVERY)? ref be? NEVER IN TWO PLACES AT ONCE
      | (A | EACH | EVERY)? ref be? IN ONE PLACE AT A TIME
      | (A | EACH | EVERY)? ref be? NEVER IN TWO PLACES AT A TIME

// ---- item attribute against place attribute
fits: (EACH | EVERY)? ITEM? ref FITS (IN | WITHIN)? (ITS | THE)? PLACE? ref

// ---- names
items: item_list
     | (ALL | EVERY | EACH) (ITEM | ITEMS)                  -> all_items
     | (ALL | EVERY | EACH)? (ITEM | ITEMS) (OF | WITH) colval   -> items_with
     | (ALL | EVERY | EACH)? (ITEM | ITEMS) WITHOUT colval       -> items_without
item_list: item_ref ((COMMA | AND) item_ref)*
item_ref: ITEM? ref
colval: ref ref?
targets: target ((COMMA | OR) target)*
target: SLOT ref                                           -> t_slot
      | PLACE ref                                          -> t_place
      | ITS ref                                            -> t_its
      | SLOTS (WITH | OF) colval                           -> t_slots_with
      | PLACES (WITH | OF) colval                          -> t_places_with
      | ref ref?                                           -> t_ref
ref: NAME | QUOTED | NUMBER | WORD

%declare NAME QUOTED NUMBER WORD LPAR RPAR COMMA
%declare """ + " ".join(sorted({k.upper() for k in KEYWORDS}))


@lru_cache(maxsize=1)
def parser() -> Lark:
    return Lark(GRAMMAR, parser="earley", lexer=RuleLexer, ambiguity="explicit", start="start")
