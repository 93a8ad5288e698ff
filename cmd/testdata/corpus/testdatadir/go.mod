module example.com/testdatadir

go 1.22
