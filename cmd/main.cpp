// kubectl-workload_update (also installed as oc-workload_update, kubectl_complete-workload_update and
// oc_complete-workload_update): the entry point. Everything else is in wu_cmd_support (command_line.cpp).
#include "command_line.hpp"

int main(int argc, char** argv) { return wu::cmd::run_command_line(argc, argv); }
