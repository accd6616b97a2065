"""The ground floor: types that cross doors, settings, errors, text, quantities, language and lemmas.

Every room may import these modules; they import nothing of the rooms above.
"""
