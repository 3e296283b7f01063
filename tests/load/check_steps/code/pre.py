def preprocess_handler(record):
    return record
