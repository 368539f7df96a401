"""Async paginators: iterate over items, or ``.pages()`` for whole responses.

``client.paginate_<operation>(...)`` returns an `AsyncPaginator`; its
errors are in ``lambda_client.errors``.
"""

from ._runtime.exceptions import PaginationError
from ._runtime.paginator import AsyncPaginator

__all__ = ["AsyncPaginator", "PaginationError"]
