print("cartera")
