"""The one exception of :mod:`salbench.data`."""


class DatasetError(ValueError):
    """A problem with a dataset on disk (missing folder, frame without a map, unreadable file, ...).

    The message always names the offending path, and says what was expected where that helps.
    """
