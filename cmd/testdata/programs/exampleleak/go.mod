module example.com/exampleleak

go 1.22
