__previewShards(1)
