//! Integration tests of the wattbench command line, in one test binary.

mod cli;
