/* agent-stub/ag_mirror.h must compile on its own. */
#include "agent-stub/ag_mirror.h"
