// A deliberate layer violation: tests/layers/CMakeLists.txt expects check_layers.sh to refuse it.
#pragma once
#include "gateway/flows/sync/sync_flow.hpp"
