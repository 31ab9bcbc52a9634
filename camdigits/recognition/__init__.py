"""Recognition: one frame in, its digits and numbers out; pure functions of arrays, apart
from the classifier (an interpreter). The stages, in the order a frame meets them:
``segment`` (threshold, rules, candidates), ``texture``, ``normalise``, ``classify``,
``split``, ``context``, ``numbers``; ``recognizer`` composes them.
"""
