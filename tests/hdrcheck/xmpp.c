/* xmpp/xmpp.h must compile on its own: it is the first and only include. */
#include "xmpp/xmpp.h"
