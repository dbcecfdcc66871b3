"""PSA integrations: the abstract boundary (`base`) and one package per vendor."""
