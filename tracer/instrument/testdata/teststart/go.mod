module example.com/teststart

go 1.21
