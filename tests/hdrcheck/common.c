/* common/common.h must compile on its own: it is the first and only include. */
#include "common/common.h"
