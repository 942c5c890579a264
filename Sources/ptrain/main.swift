import Model
print("ptrain")
