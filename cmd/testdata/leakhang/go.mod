module example.com/leakhang

go 1.22
