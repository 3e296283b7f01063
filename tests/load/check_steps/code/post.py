print("post")
