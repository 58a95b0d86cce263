// A destination of the sync flow is a destination of dossier-status events
// (gateway/core/dossiers/event_destination.hpp), shared with the webhook flow: the names
// below keep the sync flow's words for it.
#pragma once

#include "gateway/core/dossiers/event_destination.hpp"

namespace lienthong::sync {

using Prepared = dossiers::Prepared;
using SyncTarget = dossiers::EventDestination;

}  // namespace lienthong::sync
