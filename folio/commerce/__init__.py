"""What sales and purchases share: finding a book's documents, searching and paging them."""
