"""The open-data portal's tables: datasets and their resources (the files, and the datastore table each one was
loaded into), developers' applications for 有条件开放 data, call counts, and the sites it follows."""

from services.opendata.models.base import Base, Inbox, Outbox, SiteEntry, Usage
from services.opendata.models.catalogue import AccessRequest, Dataset, Resource

__all__ = ["AccessRequest", "Base", "Dataset", "Inbox", "Outbox", "Resource", "SiteEntry", "Usage"]
