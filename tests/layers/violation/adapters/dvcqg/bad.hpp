// A deliberate layer violation (adapters must not include app).
#pragma once
#include "app/commands.hpp"
