/* bgp/bgp.h must compile on its own: it is the first and only include. */
#include "bgp/bgp.h"
