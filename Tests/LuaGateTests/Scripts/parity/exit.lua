io.write("partial")
os.exit(3)
