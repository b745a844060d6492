/* control-node/cn.h must compile on its own: it is the first and only include. */
#include "control-node/cn.h"
