module example.com/exitbusy

go 1.22
