"""The DataCite REST API, for DOIs that Crossref's `/works/{doi}/agency` names as DataCite's
(arXiv, Zenodo, figshare, Dryad): the client, and parsing `GET /dois/{doi}` records."""
