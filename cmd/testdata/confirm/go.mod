module example.com/confirm

go 1.22
