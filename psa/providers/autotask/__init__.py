"""The Autotask PSA provider (REST API v1.0). Not registered yet: the product reaches it once
`PSAProvider` describes the PSAs' differences as capabilities (issue 22)."""
