module example.com/replaceapp

go 1.22

require example.com/local v1.0.0

replace example.com/local => ../local
