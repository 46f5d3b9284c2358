"""The negotiation lab: tools called under capability profiles, outcomes classified, requests audited."""
