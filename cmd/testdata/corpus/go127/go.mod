module example.com/go127

go 1.27.0

toolchain go1.27.3
