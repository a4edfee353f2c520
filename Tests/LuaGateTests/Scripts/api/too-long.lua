-- An over-long name is refused before any request.
providerKeys.update("pk_1", { name = string.rep("n", 300) })
