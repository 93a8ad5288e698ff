module example.com/pipe

go 1.22
