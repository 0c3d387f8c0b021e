enum _PlaceholderCarteraWeb {}
